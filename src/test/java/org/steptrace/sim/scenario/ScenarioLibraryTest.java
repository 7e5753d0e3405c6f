package org.steptrace.sim.scenario;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.steptrace.trace.TraceReader;
import org.steptrace.trace.TraceRecord;

class ScenarioLibraryTest {
    @TempDir
    Path dir;

    @Test
    void everyKindRunsOnTheCartesianBoardAndEndsAsItsKindSays() throws Exception {
        ScenarioLibrary lib = new ScenarioLibrary(BoardSource.builtIn(), 7);
        ScenarioRunner runner = new ScenarioRunner("test");
        for (Scenario s : lib.first(ScenarioLibrary.KINDS.size())) {
            ScenarioRunner.Result r = runner.run(s, dir.resolve(s.id() + ".jsonl"));
            boolean faulty = s.kind().startsWith("fault-");
            // A stuck-on bed climbs too slowly for the stuck-on rule; only its max-temperature limit ends it, later.
            if (faulty && !s.kind().equals("fault-heater-stuck-on")) assertNotNull(r.failure(), s.id());
            else if (!s.kind().equals("late-host")) assertNull(r.failure(), s.id());
            Map<String, Integer> counts = new HashMap<>();
            try (TraceReader in = TraceReader.open(r.trace())) {
                assertEquals(s.seed(), in.header().seed());
                in.forEach(rec -> counts.merge(rec.getClass().getSimpleName(), 1, Integer::sum));
            }
            assertTrue(counts.containsKey("Config"), s.id());
            if (faulty) assertTrue(counts.containsKey("Fault"), s.id());
        }
    }

    @Test
    void theSameSeedGivesTheSameTraceBytes() throws Exception {
        Scenario s = new ScenarioLibrary(BoardSource.builtIn(), 3).scenario(1);
        ScenarioRunner runner = new ScenarioRunner("test");
        runner.run(s, dir.resolve("a.jsonl"));
        runner.run(s, dir.resolve("b.jsonl"));
        assertArrayEquals(Files.readAllBytes(dir.resolve("a.jsonl")), Files.readAllBytes(dir.resolve("b.jsonl")));
    }

    @Test
    void aRealtimeScenarioRecordsBothSidesOnTheWallClock() throws Exception {
        Scenario s = new ScenarioLibrary(BoardSource.builtIn(), 5).realtime(2);
        assertEquals("homing", s.kind());
        ScenarioRunner.Result r = new RealtimeScenarioRunner("test").run(s, dir.resolve("rt.jsonl"));
        Map<String, Integer> counts = new HashMap<>();
        try (TraceReader in = TraceReader.open(r.trace())) {
            assertEquals("realtime", in.header().pacing());
            in.forEach(rec -> counts.merge(rec.getClass().getSimpleName(), 1, Integer::sum));
        }
        // Whether or not a loaded machine makes the board shut down, both sides were recorded.
        int boardSide = counts.getOrDefault("Lateness", 0) + counts.getOrDefault("McuStepBatch", 0) + counts.getOrDefault("StepperStop", 0);
        assertTrue(boardSide > 0, counts.toString());
        assertTrue(counts.getOrDefault("WireMessage", 0) > 0 && counts.getOrDefault("Config", 0) == 1, counts.toString());
    }
}
