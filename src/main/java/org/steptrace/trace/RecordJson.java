package org.steptrace.trace;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.io.IOException;

/**
 * Writes the frequent record kinds field by field, without reflection, exactly as the mapping
 * of {@link Json} would (a test holds the two to the same bytes); rare kinds go through the
 * mapping itself. Traces are mostly these records, so this is where recording time goes.
 */
final class RecordJson {
    private final ObjectWriter mapped = Json.mapper().writerFor(TraceRecord.class);

    void write(JsonGenerator g, TraceRecord r) throws IOException {
        if (r instanceof TraceRecord.Move m) {
            g.writeStartObject();
            g.writeStringField("type", "move");
            g.writeNumberField("print_time_s", m.printTimeS());
            g.writeNumberField("duration_s", m.durationS());
            g.writeNumberField("start_v_mm_per_s", m.startVMmPerS());
            g.writeNumberField("cruise_v_mm_per_s", m.cruiseVMmPerS());
            g.writeNumberField("end_v_mm_per_s", m.endVMmPerS());
            g.writeNumberField("accel_mm_per_s2", m.accelMmPerS2());
            doubles(g, "start_mm", m.startMm());
            doubles(g, "end_mm", m.endMm());
            g.writeEndObject();
        } else if (r instanceof TraceRecord.StepBatch b) {
            g.writeStartObject();
            g.writeStringField("type", "step_batch");
            g.writeStringField("stepper", b.stepper());
            g.writeNumberField("oid", b.oid());
            g.writeNumberField("first_clock", b.firstClock());
            g.writeNumberField("last_clock", b.lastClock());
            g.writeNumberField("interval", b.interval());
            g.writeNumberField("count", b.count());
            g.writeNumberField("add", b.add());
            g.writeNumberField("dir", b.dir());
            if (b.stepClocks() != null) {
                g.writeFieldName("step_clocks");
                g.writeArray(b.stepClocks(), 0, b.stepClocks().length);
            }
            g.writeEndObject();
        } else if (r instanceof TraceRecord.McuStepBatch b) {
            g.writeStartObject();
            g.writeStringField("type", "mcu_step_batch");
            g.writeNumberField("oid", b.oid());
            g.writeNumberField("load_clock", b.loadClock());
            g.writeNumberField("first_clock", b.firstClock());
            g.writeNumberField("interval", b.interval());
            g.writeNumberField("count", b.count());
            g.writeNumberField("add", b.add());
            g.writeNumberField("dir", b.dir());
            g.writeEndObject();
        } else if (r instanceof TraceRecord.WireMessage w) {
            g.writeStartObject();
            g.writeStringField("type", "message");
            g.writeStringField("direction", w.direction());
            g.writeStringField("kind", w.kind());
            g.writeNumberField("host_time_s", w.hostTimeS());
            if (w.seq() != null) g.writeNumberField("seq", w.seq());
            g.writeNumberField("length_bytes", w.lengthBytes());
            if (w.messages() != null) {
                g.writeArrayFieldStart("messages");
                for (String m : w.messages()) g.writeString(m);
                g.writeEndArray();
            }
            g.writeEndObject();
        } else if (r instanceof TraceRecord.Thermal t) {
            g.writeStartObject();
            g.writeStringField("type", "thermal");
            g.writeStringField("heater", t.heater());
            g.writeNumberField("time_s", t.timeS());
            if (t.adcSum() != null) g.writeNumberField("adc_sum", t.adcSum());
            if (t.temperatureC() != null) g.writeNumberField("temperature_c", t.temperatureC());
            if (t.targetC() != null) g.writeNumberField("target_c", t.targetC());
            if (t.duty() != null) g.writeNumberField("duty", t.duty());
            if (t.trueTemperatureC() != null) g.writeNumberField("true_temperature_c", t.trueTemperatureC());
            g.writeEndObject();
        } else {
            mapped.writeValue(g, r);
        }
    }

    private static void doubles(JsonGenerator g, String name, double[] values) throws IOException {
        if (values == null) return;
        g.writeFieldName(name);
        g.writeArray(values, 0, values.length);
    }
}
