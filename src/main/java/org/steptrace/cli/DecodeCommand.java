package org.steptrace.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.steptrace.protocol.CorruptStreamException;
import org.steptrace.protocol.DataDictionary;
import org.steptrace.protocol.StreamDump;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(
        name = "decode",
        mixinStandardHelpOptions = true,
        description = {
            "Decode a byte stream of message blocks (as a host writes in file-output mode) into one",
            "message per line, in the reference dump's text form."
        })
final class DecodeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-d", "--dictionary"}, required = true, paramLabel = "DICT",
            description = "Firmware data dictionary: plain JSON or the zlib blob.")
    Path dictionary;

    @Option(names = "--lenient", description = "Skip damaged bytes and report them at the end instead of failing.")
    boolean lenient;

    @Parameters(index = "0", paramLabel = "FILE", description = "The byte stream to decode.")
    Path file;

    @Override
    public Integer call() {
        DataDictionary dict = Inputs.dictionary(dictionary);
        byte[] stream = Inputs.readBytes(file);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        StreamDump.Summary summary;
        try {
            summary = new StreamDump(dict).dump(stream, lenient, out::println);
        } catch (CorruptStreamException e) {
            out.flush();
            throw new UserInputException(file + ": corrupt stream at " + e.getMessage()
                    + " (use --lenient to skip damaged blocks)", e);
        }
        out.flush();
        if (!summary.outOfSequence().isEmpty()) {
            StreamDump.Problem first = summary.outOfSequence().get(0);
            err.println("warning: " + summary.outOfSequence().size() + " block(s) out of sequence, first at byte offset "
                    + first.offset() + " (" + first.description() + ")");
        }
        for (StreamDump.Problem p : summary.skipped()) {
            err.println("skipped at byte offset " + p.offset() + ": " + p.description());
        }
        if (!summary.skipped().isEmpty()) {
            err.println(summary.skipped().size() + " damaged region(s) skipped; " + summary.blocks() + " block(s), "
                    + summary.messages() + " message(s) decoded");
        }
        err.flush();
        return 0;
    }
}
