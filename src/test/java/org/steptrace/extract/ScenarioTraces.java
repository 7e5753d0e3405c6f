package org.steptrace.extract;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.steptrace.extract.observations.TraceView;
import org.steptrace.sim.scenario.BoardSource;
import org.steptrace.sim.scenario.Scenario;
import org.steptrace.sim.scenario.ScenarioLibrary;
import org.steptrace.sim.scenario.ScenarioRunner;

/**
 * Real traces for the extract tests: two rounds of the scenario library on every built-in board,
 * run once per test JVM (into a temporary folder) and shared.
 */
final class ScenarioTraces {
    private static List<TraceView> views;

    private ScenarioTraces() {}

    static synchronized List<TraceView> all() {
        if (views == null) views = run();
        return views;
    }

    /**
     * {@code -Dsteptrace.traceCache=DIR} keeps the traces in DIR between runs (for working on
     * families); without it they go to a temporary folder removed at exit.
     */
    private static List<TraceView> run() {
        try {
            String cache = System.getProperty("steptrace.traceCache", "");
            Path dir = cache.isEmpty() ? Files.createTempDirectory("steptrace-extract-test") : Files.createDirectories(Path.of(cache));
            if (cache.isEmpty()) dir.toFile().deleteOnExit();
            Path done = dir.resolve("complete");
            if (Files.exists(done)) {
                List<TraceView> out = new ArrayList<>();
                try (var files = Files.list(dir)) {
                    for (Path p : files.filter(f -> f.toString().endsWith(".jsonl")).sorted().toList()) out.add(TraceView.load(p));
                }
                return List.copyOf(out);
            }
            ScenarioLibrary lib = new ScenarioLibrary(BoardSource.builtIn(), 11);
            List<Scenario> scenarios = lib.first(2 * ScenarioLibrary.KINDS.size() * BoardSource.builtIn().size());
            ExecutorService pool = Executors.newFixedThreadPool(2);
            List<Future<TraceView>> futures = new ArrayList<>();
            for (Scenario s : scenarios) {
                futures.add(pool.submit(() -> {
                    Path file = dir.resolve(s.id() + ".jsonl");
                    new ScenarioRunner("test").run(s, file);
                    if (cache.isEmpty()) file.toFile().deleteOnExit();
                    return TraceView.load(file);
                }));
            }
            List<TraceView> out = new ArrayList<>();
            for (Future<TraceView> f : futures) out.add(f.get());
            pool.shutdown();
            if (!cache.isEmpty()) Files.writeString(done, "");
            return List.copyOf(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
