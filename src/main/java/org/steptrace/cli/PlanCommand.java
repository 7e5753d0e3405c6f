package org.steptrace.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.steptrace.host.config.ConfigException;
import org.steptrace.host.config.PrinterConfig;
import org.steptrace.host.gcode.GcodeException;
import org.steptrace.host.toolhead.FileHost;
import org.steptrace.protocol.DataDictionary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "plan",
        mixinStandardHelpOptions = true,
        description = {
            "Plan a G-code file for a printer without an MCU and write the byte stream a host would send,",
            "as in file-output mode: blocks back to back, seq from 1, queries answered locally, homing moves",
            "run to their end. 'decode' prints the result."
        })
final class PlanCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--printer", required = true, paramLabel = "CFG", description = "Printer config (printer.cfg format).")
    Path printer;

    @Option(names = {"-d", "--dictionary"}, required = true, paramLabel = "DICT", description = "The MCU's data dictionary (JSON or zlib).")
    Path dictionary;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT", description = "Where to write the byte stream.")
    Path output;

    @Parameters(index = "0", paramLabel = "GCODE", description = "The G-code file to plan.")
    Path gcode;

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        DataDictionary dict = Inputs.dictionary(dictionary);
        PrinterConfig cfg = Inputs.printerConfig(printer);
        cfg.warnings().forEach(w -> err.println("warning: " + w));
        List<String> lines = Inputs.lines(gcode);
        FileHost.Result r;
        try {
            r = FileHost.plan(cfg, dict, lines, gcode.toString());
        } catch (GcodeException | ConfigException | org.steptrace.protocol.ProtocolException | IllegalArgumentException e) {
            throw new UserInputException(e.getMessage(), e);
        }
        // Written whole under a temporary name, then renamed: a failed run leaves no half file.
        Path dir = output.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, output.getFileName().toString(), ".part");
        try {
            Files.write(tmp, r.stream());
            Files.move(tmp, output, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        r.replies().forEach(err::println);
        Map<String, Long> steps = new TreeMap<>(r.stepsByStepper());
        err.printf(Locale.ROOT, "planned %s: %d commands, %d bytes, print time %.3f s, steps %s -> %s%n", gcode, r.commands(),
                r.stream().length, r.exitPrintTimeS(), steps, output);
        err.flush();
        return 0;
    }
}
