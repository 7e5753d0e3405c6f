package org.steptrace.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.steptrace.firmware.board.McuTraceTap;
import org.steptrace.firmware.board.BoardDefinition;
import org.steptrace.firmware.board.BoardLoader;
import org.steptrace.host.config.PrinterConfig;
import org.steptrace.host.toolhead.LiveHost;
import org.steptrace.trace.TraceReader;
import org.steptrace.trace.TraceRecord;
import org.steptrace.trace.TraceWriter;

/** A run's trace, read back, tells the same story the run reported; cut anywhere, it still reads. */
class RunTraceTest {
    private static final List<String> PRINT = List.of("G28", "M83", "G1 X30 Y30 Z3 F6000", "G1 X60 E1.5 F1800", "G1 Y60 E1.5",
            "G1 E-0.8 F2400", "G1 X20 Y40 F6000", "M400");

    private static LiveHost.Result record(String board, Path file) throws Exception {
        BoardDefinition def = BoardLoader.builtIn(board);
        PrinterConfig cfg = PrinterConfig.load(Path.of("boards", board + ".cfg"));
        try (TraceWriter w = TraceWriter.create(file, new TraceRecord.Header("steptrace", "test", TraceRecord.SCHEMA_VERSION, board,
                cfg.sha256(), 4L, def.mcu().clockFrequencyHz(), true, "virtual", null, "print.gcode"))) {
            VirtualBench bench = new VirtualBench(def, 4, new McuTraceTap(w, def.mcu().clockFrequencyHz()), (f, t) -> {});
            LiveHost host = LiveHost.start(bench.connection(), cfg, w);
            host.run(PRINT, "print.gcode");
            LiveHost.Result r = host.finish();
            w.record(new TraceRecord.Stats(Map.of("print_time_s", r.printTimeS())));
            return r;
        }
    }

    @Test
    void theMcuSideOfATraceReproducesTheStepPositionsAndPrintTime(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("run.jsonl");
        LiveHost.Result r = record("arm-corexy", file);
        Map<Integer, String> names = new HashMap<>();
        Map<Integer, Long> position = new HashMap<>();
        double[] printTime = {0};
        try (TraceReader in = TraceReader.open(file)) {
            assertEquals("arm-corexy", in.header().board());
            in.forEach(rec -> {
                if (rec instanceof TraceRecord.StepBatch s) names.put(s.oid(), s.stepper());
                if (rec instanceof TraceRecord.McuStepBatch b) position.merge(b.oid(), (long) b.count() * (b.dir() == 1 ? 1 : -1), Long::sum);
                if (rec instanceof TraceRecord.StepperStop s) position.put(s.oid(), s.position());
                if (rec instanceof TraceRecord.Stats s) printTime[0] = ((Number) s.values().get("print_time_s")).doubleValue();
            });
            assertTrue(in.warnings().isEmpty(), in.warnings().toString());
        }
        Map<String, Long> fromTrace = new HashMap<>();
        names.forEach((oid, name) -> fromTrace.put(name, position.getOrDefault(oid, 0L)));
        assertEquals(r.mcuStepPositions(), fromTrace);
        assertEquals(r.printTimeS(), printTime[0]);
    }

    @Test
    void aTraceCutAtAnyByteReadsUpToItsLastWholeRecord(@TempDir Path dir) throws Exception {
        for (String name : new String[] {"run.jsonl", "run.jsonl.gz"}) {
            Path file = dir.resolve(name);
            record("avr-cartesian", file);
            byte[] whole = Files.readAllBytes(file);
            int records = count(file);
            SplittableRandom rnd = new SplittableRandom(name.length());
            for (int i = 0; i < 5; i++) {
                int cut = whole.length / 2 + rnd.nextInt(whole.length / 2 - 1);
                Path torn = dir.resolve("torn-" + name);
                Files.write(torn, java.util.Arrays.copyOf(whole, cut));
                try (TraceReader in = TraceReader.open(torn)) {
                    int n = 1;
                    for (TraceRecord rec = in.next(); rec != null; rec = in.next()) n++;
                    assertTrue(n < records && n > records / 4, name + " cut at " + cut + ": " + n + " of " + records);
                    assertEquals(1, in.warnings().size(), "one warning for the torn end: " + in.warnings());
                }
            }
        }
    }

    @Test
    void recordsReachTheFileWithinAFlushPeriodEvenWhenTheRunGoesQuiet(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("quiet.jsonl");
        try (TraceWriter w = TraceWriter.create(file, new TraceRecord.Header("steptrace", "test", TraceRecord.SCHEMA_VERSION, "b", null, 1L,
                1e6, true, "virtual", null, null))) {
            for (int i = 0; i < 3; i++) w.record(new TraceRecord.Lateness(i, 1.5));
            long deadline = System.nanoTime() + 2_000_000_000L;
            while (Files.readAllLines(file).size() < 4 && System.nanoTime() < deadline) Thread.sleep(10);
            assertEquals(4, Files.readAllLines(file).size(), "header and three records on disk before close");
        }
    }

    @Test
    void recordsKeepTheirOrderThroughFullBatchesQuietSpellsAndUrgentRecords(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("order.jsonl");
        int n = 30_000;
        try (TraceWriter w = TraceWriter.create(file, new TraceRecord.Header("steptrace", "test", TraceRecord.SCHEMA_VERSION, "b", null, 1L,
                1e6, true, "virtual", null, null))) {
            for (int i = 0; i < n; i++) {
                w.record(new TraceRecord.Lateness(i, 1.5));
                // Quiet spells let the writer take part-filled batches itself; urgent records go over at once.
                if (i % 7_000 == 6_999) Thread.sleep(3 * 20);
                if (i % 5_000 == 0) w.record(new TraceRecord.Fault("link-drop", null, i));
            }
        }
        long expected = 0;
        try (TraceReader in = TraceReader.open(file)) {
            for (TraceRecord r = in.next(); r != null; r = in.next()) {
                if (r instanceof TraceRecord.Lateness l) assertEquals(expected++, l.clock());
            }
        }
        assertEquals(n, expected);
    }

    /** A value whose JSON cannot be made. */
    public static final class Unwritable {
        public int getValue() {
            throw new IllegalStateException("cannot be written");
        }
    }

    @Test
    void aWriterThatFailsStopsTheRunWithItsReasonInsteadOfHangingIt(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("failing.jsonl");
        TraceWriter w = TraceWriter.create(file, new TraceRecord.Header("steptrace", "test", TraceRecord.SCHEMA_VERSION, "b", null, 1L,
                1e6, true, "virtual", null, null));
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(20), () -> {
            w.record(new TraceRecord.Stats(Map.of("bad", new Unwritable())));
            var e = org.junit.jupiter.api.Assertions.assertThrows(java.io.UncheckedIOException.class, () -> {
                for (int i = 0; i < 1_000_000; i++) w.record(new TraceRecord.Lateness(i, 1));
            });
            assertTrue(e.getMessage().contains("cannot write trace"), e.getMessage());
            var closing = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class, w::close);
            assertTrue(closing.getMessage().contains("cannot write trace"), closing.getMessage());
        });
    }

    @Test
    void anUnknownSchemaVersionIsRefusedByName(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("future.jsonl");
        Files.writeString(file, "{\"type\":\"header\",\"schema_version\":99,\"board\":\"x\",\"clock_freq_hz\":1,\"emulated\":true}\n");
        var e = org.junit.jupiter.api.Assertions.assertThrows(org.steptrace.trace.TraceFormatException.class, () -> TraceReader.open(file));
        assertEquals(file + ": schema version 99 is not supported (this steptrace reads 1 to 2)", e.getMessage());
    }

    @Test
    void theSameSeedGivesTheSameTraceBytes(@TempDir Path dir) throws Exception {
        record("arm-delta", dir.resolve("a.jsonl"));
        record("arm-delta", dir.resolve("b.jsonl"));
        assertArrayEquals(Files.readAllBytes(dir.resolve("a.jsonl")), Files.readAllBytes(dir.resolve("b.jsonl")));
    }

    private static int count(Path file) throws Exception {
        try (TraceReader in = TraceReader.open(file)) {
            int n = 1;
            for (TraceRecord rec = in.next(); rec != null; rec = in.next()) n++;
            assertNull(in.next());
            return n;
        }
    }
}
