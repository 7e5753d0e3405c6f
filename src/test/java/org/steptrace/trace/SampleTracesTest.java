package org.steptrace.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The sample traces in traces/samples stay readable by this build's schema, whole, and small. */
class SampleTracesTest {
    @Test
    void everySampleReadsWholeAndHasTheRecordsItShouldHave() throws Exception {
        List<Path> samples;
        try (var files = Files.list(Path.of("traces", "samples"))) {
            samples = files.filter(p -> p.toString().endsWith(".jsonl.gz")).sorted().toList();
        }
        assertEquals(3, samples.size(), samples.toString());
        for (Path p : samples) {
            assertTrue(Files.size(p) <= 1_000_000, p + " is over 1 MB");
            TraceSummary s = TraceSummary.of(p);
            for (String type : List.of("header", "move", "step_batch", "mcu_step_batch", "message", "clock_sync", "thermal", "stats")) {
                assertTrue(s.countsByType().getOrDefault(type, 0L) > 0, p + " has no " + type);
            }
            try (TraceReader in = TraceReader.open(p)) {
                in.forEach(r -> {});
                assertTrue(in.warnings().isEmpty(), in.warnings().toString());
            }
        }
    }
}
