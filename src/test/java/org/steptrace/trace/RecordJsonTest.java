package org.steptrace.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The hand-written record JSON is byte for byte what the mapping writes, so reader and writer mirror each other. */
class RecordJsonTest {
    private static String viaMapping(TraceRecord r) throws Exception {
        return Json.mapper().writerFor(TraceRecord.class).writeValueAsString(r);
    }

    private static String viaRecordJson(TraceRecord r) throws Exception {
        ObjectWriter w = Json.mapper().writerFor(TraceRecord.class);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = w.createGenerator(out)) {
            new RecordJson().write(g, r);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void everyRecordOfTheSamplesAndTheOptionalFieldsWriteTheSame() throws Exception {
        List<TraceRecord> all = new ArrayList<>();
        try (var files = Files.list(Path.of("traces", "samples"))) {
            for (Path p : files.filter(f -> f.toString().endsWith(".jsonl.gz")).toList()) {
                try (TraceReader in = TraceReader.open(p)) {
                    all.add(in.header());
                    in.forEach(all::add);
                }
            }
        }
        all.add(new TraceRecord.StepBatch("stepper_x", 2, 100, 130, 10, 3, 5, 1, new long[] {100, 115, 130}));
        all.add(new TraceRecord.WireMessage("host_to_mcu", "retransmit", 1.5, null, 12, null));
        all.add(new TraceRecord.Thermal("extruder", 0.25, null, 200.125, 200.0, 0.4, null));
        all.add(new TraceRecord.Move(0.1, 1e-9, 0, 123.456789, 5e-7, 3000, new double[] {1, -0.0, 1e21, 0.1}, new double[] {0.3, 2, 3, 4}));
        assertTrue(all.size() > 5000, all.size() + " records");
        for (TraceRecord r : all) assertEquals(viaMapping(r), viaRecordJson(r));
    }
}
