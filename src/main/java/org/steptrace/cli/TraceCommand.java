package org.steptrace.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.steptrace.trace.TraceFormatException;
import org.steptrace.trace.TraceSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "trace",
        mixinStandardHelpOptions = true,
        description = "Look into a recorded trace (JSON Lines, plain or gzip; see traces/SCHEMA.md).",
        subcommands = {TraceCommand.Summarize.class, TraceCommand.Plot.class})
final class TraceCommand {
    /** Work on a trace file that may be missing or malformed. */
    @FunctionalInterface
    interface TraceJob<T> {
        T run() throws IOException;
    }

    /** Runs {@code job}; a missing or malformed trace is one clear line naming the file. */
    static <T> T reading(Path file, TraceJob<T> job) throws IOException {
        try {
            return job.run();
        } catch (NoSuchFileException e) {
            throw new UserInputException(file + ": no such file");
        } catch (TraceFormatException e) {
            throw new UserInputException(e.getMessage(), e);
        }
    }

    @Command(name = "summarize", mixinStandardHelpOptions = true,
            description = "Records per type, print time, net steps per stepper, worst lateness, temperatures reached, shutdowns.")
    static final class Summarize implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "FILE", description = "The trace.")
        Path file;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            reading(file, () -> TraceSummary.of(file)).print(out);
            out.flush();
            return 0;
        }
    }

    @Command(name = "plot", mixinStandardHelpOptions = true,
            description = "PNG plots: toolhead and stepper speed, heaters, timer lateness, wire bytes per second.")
    static final class Plot implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "FILE", description = "The trace.")
        Path file;

        @picocli.CommandLine.Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder for the PNG files.")
        Path out;

        @Override
        public Integer call() throws IOException {
            java.util.List<Path> files = reading(file, () -> org.steptrace.trace.TracePlots.write(file, out));
            PrintWriter w = spec.commandLine().getOut();
            files.forEach(f -> w.println("wrote " + f));
            w.flush();
            return 0;
        }
    }
}
