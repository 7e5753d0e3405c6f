package org.steptrace.sim.scenario;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.steptrace.extract.dataset.Extractor;

/**
 * Runs the library's scenarios round by round (one round: every kind once), writing their
 * traces and feeding them to an extractor, until it holds enough entries to choose from (see
 * {@link #enough}), the scenario budget is spent, or three rounds in a row add nothing. Rounds have a fixed size, so the traces and entries
 * do not depend on how many jobs run them.
 */
public final class ScenarioHarvest {
    /** Called after each round. */
    public interface Progress {
        void round(int scenariosRun, int entries);
    }

    /** What the harvest did. */
    public record Result(int scenariosRun, int scenariosFailed) {}

    private final ScenarioLibrary library;
    private final ScenarioRunner runner;
    private final ExecutorService pool;

    public ScenarioHarvest(ScenarioLibrary library, ScenarioRunner runner, ExecutorService pool) {
        this.library = library;
        this.runner = runner;
        this.pool = pool;
    }

    public Result harvest(Extractor extractor, Path traceDir, int entries, int maxScenarios, Progress progress)
            throws IOException, InterruptedException {
        int round = ScenarioLibrary.KINDS.size();
        int run = 0;
        int failed = 0;
        int barren = 0;
        while (!enough(extractor, entries) && run < maxScenarios && barren < 3) {
            List<Future<ScenarioRunner.Result>> futures = new ArrayList<>();
            for (int i = run; i < Math.min(run + round, maxScenarios); i++) {
                Scenario s = library.scenario(i);
                futures.add(pool.submit(() -> runner.run(s, traceDir.resolve(s.id() + ".jsonl.gz"))));
            }
            List<Path> files = new ArrayList<>();
            for (Future<ScenarioRunner.Result> f : futures) {
                ScenarioRunner.Result r = get(f);
                files.add(r.trace());
                if (r.failure() != null) failed++;
            }
            run += futures.size();
            int before = extractor.entries().size();
            extractor.add(files);
            barren = extractor.entries().size() == before ? barren + 1 : 0;
            progress.round(run, extractor.entries().size());
        }
        return new Result(run, failed);
    }

    /**
     * Enough to pick {@code entries} balanced over families: every family seen so far could give its
     * share, or there are half as many again as needed (families found only in rare scenarios then
     * give what they have).
     */
    static boolean enough(Extractor extractor, int entries) {
        int total = extractor.entries().size();
        if (total >= entries + entries / 2) return true;
        if (total < entries) return false;
        java.util.Map<String, Integer> byFamily = new java.util.HashMap<>();
        for (var e : extractor.entries()) byFamily.merge(e.draft().familyId(), 1, Integer::sum);
        int share = (int) Math.ceil((double) entries / byFamily.size());
        return byFamily.values().stream().allMatch(n -> n >= share);
    }

    private static <T> T get(Future<T> f) throws IOException, InterruptedException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) throw io;
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IllegalStateException(e.getCause());
        }
    }
}
