package org.steptrace.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import org.steptrace.extract.Family;
import org.steptrace.extract.dataset.DatasetWriter;
import org.steptrace.extract.dataset.Extractor;
import org.steptrace.extract.families.Families;
import org.steptrace.extract.verify.RustCheck;
import org.steptrace.host.config.ConfigException;
import org.steptrace.sim.scenario.BoardSource;
import org.steptrace.sim.scenario.RealtimeScenarioRunner;
import org.steptrace.sim.scenario.ScenarioHarvest;
import org.steptrace.sim.scenario.ScenarioLibrary;
import org.steptrace.sim.scenario.ScenarioRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "generate",
        mixinStandardHelpOptions = true,
        description = {
            "The main job: run the built-in scenarios on the emulated boards in virtual time, record a trace of each,",
            "and turn what was observed into a verified reasoning dataset (OUT/traces, OUT/dataset).",
            "The same seed gives the same bytes."
        })
final class GenerateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--out", defaultValue = "steptrace-out", paramLabel = "DIR", description = "Output folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--entries", defaultValue = "1000", paramLabel = "N", description = "Entries to write (default: ${DEFAULT-VALUE}).")
    int entries;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "N", description = "Seed of the scenarios and the entries (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--boards", paramLabel = "DIR", description = "Board files (name.json with name.cfg beside it) to use instead of the built-in boards.")
    Path boards;

    @Option(names = "--jobs", paramLabel = "N", description = "Parallel jobs (default: the number of processors).")
    Integer jobs;

    @Option(names = "--per-trace", defaultValue = "" + Extractor.DEFAULT_PER_FAMILY_PER_TRACE, paramLabel = "K",
            description = "Observations used per family per trace (default: ${DEFAULT-VALUE}).")
    int perTrace;

    @Option(names = "--max-scenarios", defaultValue = "3000", paramLabel = "M",
            description = "Stop after this many scenarios even if fewer entries were found (default: ${DEFAULT-VALUE}).")
    int maxScenarios;

    @Option(names = "--realtime-scenarios", defaultValue = "0", paramLabel = "N",
            description = "Also run N motion scenarios on the wall clock (board served over loopback TCP, timer lateness recorded); "
                    + "they take real time and are outside the same-seed-same-bytes promise (default: ${DEFAULT-VALUE}).")
    int realtimeScenarios;

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (entries < 1) throw new UserInputException("--entries must be at least 1");
        int threads = jobs != null ? jobs : Runtime.getRuntime().availableProcessors();
        if (threads < 1) throw new UserInputException("--jobs must be at least 1");
        List<BoardSource> sources;
        try {
            sources = boards == null ? BoardSource.builtIn() : BoardSource.inFolder(boards);
        } catch (ConfigException e) {
            throw new UserInputException(e.getMessage(), e);
        }
        long t0 = System.nanoTime();
        Path traces = Files.createDirectories(out.resolve("traces"));
        RustCheck rust = RustCheck.find();
        if (!rust.available()) {
            err.println("warning: rustc not found on PATH: Rust snippets will not be compiled or tested, and entries are marked unverified for Rust");
        }
        List<Family> families = Families.all();
        ScenarioLibrary library = new ScenarioLibrary(sources, seed);
        ScenarioRunner runner = new ScenarioRunner(Main.Version.number());
        ExecutorService pool = Extractor.pool(threads);
        try {
            Extractor extractor = new Extractor(families, seed, perTrace, Main.Version.number(), rust, Files.createDirectories(out.resolve(".work")), pool);
            DatasetSummary.Progress progress = new DatasetSummary.Progress(err, entries);
            ScenarioHarvest.Result h = new ScenarioHarvest(library, runner, pool).harvest(extractor, traces, entries, maxScenarios,
                    (run, found) -> progress.show(run, found));
            if (realtimeScenarios > 0) {
                RealtimeScenarioRunner rt = new RealtimeScenarioRunner(Main.Version.number());
                List<Path> rtTraces = new java.util.ArrayList<>();
                for (int i = 0; i < realtimeScenarios; i++) {
                    org.steptrace.sim.scenario.Scenario s = library.realtime(i);
                    err.printf(Locale.ROOT, "real-time scenario %d/%d: %s%n", i + 1, realtimeScenarios, s.id());
                    err.flush();
                    rtTraces.add(rt.run(s, traces.resolve(s.id() + ".jsonl.gz")).trace());
                }
                extractor.add(rtTraces);
            }
            progress.done();
            DatasetWriter.Written w = DatasetWriter.write(out.resolve("dataset"), DatasetWriter.select(extractor.entries(), families, entries),
                    extractor.tally(), seed, Main.Version.number(), rust.version(), families);
            DatasetWriter.deleteWork(out.resolve(".work"));
            stdout.printf(Locale.ROOT, "scenarios: %d run (%d ended in a shutdown or failure, as fault scenarios do); traces in %s%n",
                    h.scenariosRun(), h.scenariosFailed(), traces);
            DatasetSummary.print(stdout, w, extractor.tally(), (System.nanoTime() - t0) / 1e9);
            if (w.entries().size() < entries) {
                err.printf(Locale.ROOT, "warning: only %d of %d entries: the scenarios stopped yielding new ones (raise --max-scenarios or --per-trace)%n",
                        w.entries().size(), entries);
            }
            return 0;
        } finally {
            pool.shutdownNow();
        }
    }
}
