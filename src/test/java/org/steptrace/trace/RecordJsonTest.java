package org.steptrace.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The hand-written encoding says what the mapping says (the reader reads both alike), with
 * fractional numbers rounded to nine decimals, strings escaped as JSON wants.
 */
class RecordJsonTest {
    private static final ObjectMapper MAPPER = Json.mapper();

    private static JsonNode viaMapping(TraceRecord r) throws Exception {
        return MAPPER.readTree(MAPPER.writerFor(TraceRecord.class).writeValueAsString(r));
    }

    private static JsonNode viaEncoder(TraceRecord r) throws Exception {
        return MAPPER.readTree(new RecordJson().line(r));
    }

    /** Numbers equal within the encoder's rounding (half a unit in the ninth decimal, or relative for big ones). */
    private static final Comparator<JsonNode> WITHIN_ROUNDING = (a, b) -> {
        if (a.isNumber() && b.isNumber()) {
            double x = a.asDouble();
            double y = b.asDouble();
            return Math.abs(x - y) <= 0.5e-9 + 1e-15 * Math.abs(x) ? 0 : 1;
        }
        return a.equals(b) ? 0 : 1;
    };

    @Test
    void everyRecordOfTheSamplesAndTheOptionalFieldsSayWhatTheMappingSays() throws Exception {
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
        all.add(new TraceRecord.ClockSync(1.25, 1.2500731, 180_000_000L, 1.7999985e8, 1.25003));
        all.add(new TraceRecord.Lateness(-5, 12.75));
        all.add(new TraceRecord.StepperStop(3, Long.MAX_VALUE, Long.MIN_VALUE));
        assertTrue(all.size() > 5000, all.size() + " records");
        for (TraceRecord r : all) {
            JsonNode mapped = viaMapping(r);
            JsonNode encoded = viaEncoder(r);
            assertTrue(mapped.equals(WITHIN_ROUNDING, encoded), () -> mapped + "\n" + encoded);
        }
    }

    @Test
    void fractionsAreWrittenWithAtMostNineDecimalsAndNoBinaryNoise() {
        String line = new RecordJson().line(new TraceRecord.Move(5.200000000000001E-4, 60.0, -0.5, 1.0000000004, 1.0000000006, 0,
                new double[] {1e21, -123.4567891239, 0.1 + 0.2, 1e-10}, null));
        assertEquals("{\"type\":\"move\",\"print_time_s\":0.00052,\"duration_s\":60.0,\"start_v_mm_per_s\":-0.5,"
                + "\"cruise_v_mm_per_s\":1.0,\"end_v_mm_per_s\":1.000000001,\"accel_mm_per_s2\":0.0,"
                + "\"start_mm\":[1.0E21,-123.456789124,0.3,0.0]}", line);
    }

    @Test
    void stringsAreEscapedAndReadBackUnchanged() throws Exception {
        String text = "say \"hi\" \\ back\nslash\t\u0001 é ∆ 😀 data=b'x\\xda'";
        String line = new RecordJson().line(new TraceRecord.WireMessage("mcu_to_host", "data", 0, 7, 3, List.of(text, "")));
        assertEquals(text, MAPPER.readTree(line).get("messages").get(0).asText());
        assertEquals("", MAPPER.readTree(line).get("messages").get(1).asText());
        String lone = new RecordJson().line(new TraceRecord.WireMessage("mcu_to_host", "data", 0, 7, 3, List.of("a\uD800b")));
        assertEquals("a\uFFFDb", MAPPER.readTree(lone).get("messages").get(0).asText(), "a lone surrogate has no UTF-8 form");
    }

    @Test
    void numbersJsonCannotHoldAreWrittenAsTheMappingWritesThem() throws Exception {
        TraceRecord r = new TraceRecord.Thermal("bed", Double.NaN, null, Double.POSITIVE_INFINITY, null, null, null);
        assertEquals(viaMapping(r), viaEncoder(r));
    }
}
