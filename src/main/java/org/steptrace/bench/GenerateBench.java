package org.steptrace.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import org.steptrace.extract.dataset.DatasetWriter;
import org.steptrace.extract.dataset.Extractor;
import org.steptrace.extract.families.Families;
import org.steptrace.extract.verify.RustCheck;
import org.steptrace.sim.scenario.BoardSource;
import org.steptrace.sim.scenario.ScenarioHarvest;
import org.steptrace.sim.scenario.ScenarioLibrary;
import org.steptrace.sim.scenario.ScenarioRunner;

/**
 * The main job end to end: scenarios run, traces written, entries written and verified (Rust
 * included), dataset files written, for {@code entries} entries on all processors. Reports
 * verified entries per second and the time 10,000 would take at that rate (goal: 10 minutes).
 */
public final class GenerateBench {
    private final int entries;

    public GenerateBench(int entries) {
        this.entries = entries;
    }

    public List<BenchFigure> run() {
        int jobs = Runtime.getRuntime().availableProcessors();
        Path dir = null;
        ExecutorService pool = Extractor.pool(jobs);
        try {
            dir = Files.createTempDirectory("steptrace-bench-generate");
            RustCheck rust = RustCheck.find();
            Extractor extractor = new Extractor(Families.all(), 1, Extractor.DEFAULT_PER_FAMILY_PER_TRACE, "bench", rust,
                    Files.createDirectories(dir.resolve("work")), pool);
            long t0 = System.nanoTime();
            ScenarioHarvest.Result h = new ScenarioHarvest(new ScenarioLibrary(BoardSource.builtIn(), 1), new ScenarioRunner("bench"), pool)
                    .harvest(extractor, Files.createDirectories(dir.resolve("traces")), entries, 3000, (run, found) -> {});
            List<org.steptrace.extract.dataset.Entry> chosen = DatasetWriter.select(extractor.entries(), Families.all(), entries);
            DatasetWriter.write(dir.resolve("dataset"), chosen, extractor.tally(), 1, "bench", rust.version(), Families.all());
            double wallS = (System.nanoTime() - t0) / 1e9;
            double perS = chosen.size() / wallS;
            List<BenchFigure> out = new ArrayList<>();
            out.add(new BenchFigure("generate.entries", chosen.size(), "entries"));
            out.add(new BenchFigure("generate.scenarios", h.scenariosRun(), "scenarios"));
            out.add(new BenchFigure("generate.wall", wallS, "s"));
            out.add(new BenchFigure("generate.verified_entries_per_s" + (rust.available() ? "" : "_without_rust"), perS, "entries/s"));
            out.add(new BenchFigure("generate.processors", jobs, "processors"));
            out.add(new BenchFigure("generate.projected_10k_entries", 10_000 / perS / 60, "min"));
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            pool.shutdownNow();
            if (dir != null) {
                try {
                    DatasetWriter.deleteWork(dir);
                } catch (IOException e) {
                    // a temporary folder left behind is not worth failing the bench for
                }
            }
        }
    }
}
