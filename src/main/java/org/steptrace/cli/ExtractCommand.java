package org.steptrace.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import org.steptrace.extract.Family;
import org.steptrace.extract.dataset.DatasetWriter;
import org.steptrace.extract.dataset.Extractor;
import org.steptrace.extract.families.Families;
import org.steptrace.extract.verify.RustCheck;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "extract",
        mixinStandardHelpOptions = true,
        description = {"Build a verified dataset from given traces (emulated or from a real board): every family, every check."})
final class ExtractCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "TRACE", description = "Trace files (.jsonl or .jsonl.gz).")
    List<Path> traces;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "The dataset folder to write.")
    Path out;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "N", description = "Seed for sampling and phrasing (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--entries", paramLabel = "N", description = "At most N entries (default: all that pass).")
    Integer entries;

    @Option(names = "--per-trace", defaultValue = "" + Extractor.DEFAULT_PER_FAMILY_PER_TRACE, paramLabel = "K",
            description = "Observations used per family per trace (default: ${DEFAULT-VALUE}).")
    int perTrace;

    @Option(names = "--jobs", paramLabel = "N", description = "Parallel jobs (default: the number of processors).")
    Integer jobs;

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        for (Path t : traces) {
            if (!Files.isRegularFile(t)) throw new UserInputException(t + ": no such trace file");
        }
        long t0 = System.nanoTime();
        RustCheck rust = RustCheck.find();
        if (!rust.available()) {
            err.println("warning: rustc not found on PATH: Rust snippets will not be compiled or tested, and entries are marked unverified for Rust");
        }
        List<Family> families = Families.all();
        ExecutorService pool = Extractor.pool(jobs != null ? jobs : Runtime.getRuntime().availableProcessors());
        Path work = Files.createTempDirectory("steptrace-extract");
        try {
            Extractor extractor = new Extractor(families, seed, perTrace, Main.Version.number(), rust, work, pool);
            extractor.add(traces);
            if (!extractor.tally().unreadable().isEmpty()) {
                // Nothing is written from a partly unreadable input: the user fixes or drops the trace first.
                throw new UserInputException(extractor.tally().unreadable().get(0)
                        + (extractor.tally().unreadable().size() > 1 ? " (and " + (extractor.tally().unreadable().size() - 1) + " more)" : ""));
            }
            DatasetWriter.Written w = DatasetWriter.write(out, DatasetWriter.select(extractor.entries(), families,
                    entries != null ? entries : Integer.MAX_VALUE), extractor.tally(), seed, Main.Version.number(), rust.version(), families);
            DatasetSummary.print(stdout, w, extractor.tally(), (System.nanoTime() - t0) / 1e9);
            return 0;
        } finally {
            pool.shutdownNow();
            DatasetWriter.deleteWork(work);
        }
    }
}
