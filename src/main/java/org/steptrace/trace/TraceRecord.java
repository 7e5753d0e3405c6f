package org.steptrace.trace;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;
import java.util.Map;

/**
 * One line of a trace. Each kind is an immutable record; its JSON has a {@code type} naming
 * the kind and snake_case fields whose names carry their units. traces/SCHEMA.md documents
 * every field; a change to any of them is a new {@link #SCHEMA_VERSION}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = TraceRecord.Header.class, name = "header"),
    @JsonSubTypes.Type(value = TraceRecord.Move.class, name = "move"),
    @JsonSubTypes.Type(value = TraceRecord.StepBatch.class, name = "step_batch"),
    @JsonSubTypes.Type(value = TraceRecord.McuStepBatch.class, name = "mcu_step_batch"),
    @JsonSubTypes.Type(value = TraceRecord.StepperStop.class, name = "mcu_stepper_stop"),
    @JsonSubTypes.Type(value = TraceRecord.WireMessage.class, name = "message"),
    @JsonSubTypes.Type(value = TraceRecord.ClockSync.class, name = "clock_sync"),
    @JsonSubTypes.Type(value = TraceRecord.Thermal.class, name = "thermal"),
    @JsonSubTypes.Type(value = TraceRecord.Lateness.class, name = "lateness"),
    @JsonSubTypes.Type(value = TraceRecord.Shutdown.class, name = "shutdown"),
    @JsonSubTypes.Type(value = TraceRecord.Fault.class, name = "fault"),
    @JsonSubTypes.Type(value = TraceRecord.Stats.class, name = "stats"),
    @JsonSubTypes.Type(value = TraceRecord.Config.class, name = "config"),
})
@JsonInclude(JsonInclude.Include.NON_NULL)
public sealed interface TraceRecord {
    int SCHEMA_VERSION = 2;
    /** The oldest schema this build still reads (1 lacks the config record). */
    int OLDEST_READABLE_SCHEMA = 1;

    /**
     * The first line: what made the trace and under which conditions. {@code pacing} is
     * "virtual" (emulated time, reproducible from the seed) or "realtime".
     */
    record Header(String tool, String toolVersion, int schemaVersion, String board, String printerConfigSha256, Long seed,
                  double clockFreqHz, boolean emulated, String pacing, String startTime, String gcode) implements TraceRecord {}

    /** A planned move: a trapezoid laid on the print-time axis; positions are x, y, z, e in mm. */
    record Move(double printTimeS, double durationS, @JsonProperty("start_v_mm_per_s") double startVMmPerS,
                @JsonProperty("cruise_v_mm_per_s") double cruiseVMmPerS, @JsonProperty("end_v_mm_per_s") double endVMmPerS,
                double accelMmPerS2, double[] startMm, double[] endMm) implements TraceRecord {}

    /**
     * A queue_step the host sent: steps at clock(k) = previous + k·interval + add·k(k−1)/2 for
     * k = 1..count, {@code firstClock}/{@code lastClock} the first and last of them; {@code dir}
     * the direction pin level; {@code stepClocks} only when expanded clocks were asked for.
     */
    record StepBatch(String stepper, int oid, long firstClock, long lastClock, long interval, int count, int add, int dir,
                     long[] stepClocks) implements TraceRecord {}

    /** A move the emulated MCU loaded into a stepper (what it executed, and when it started). */
    record McuStepBatch(int oid, long loadClock, long firstClock, long interval, int count, int add, int dir) implements TraceRecord {}

    /** The emulated MCU stopped a stepper (endstop trigger or shutdown): its queue is dropped, its count is {@code position}. */
    record StepperStop(int oid, long clock, long position) implements TraceRecord {}

    /**
     * A block on the wire. {@code direction} is "host_to_mcu" or "mcu_to_host"; {@code kind}
     * data, ack, nak or retransmit; {@code messages} the decoded commands or responses.
     */
    record WireMessage(String direction, String kind, double hostTimeS, Integer seq, int lengthBytes, List<String> messages)
            implements TraceRecord {}

    /** A clock answer and the host's estimate after it. */
    record ClockSync(double sentTimeS, double receiveTimeS, long mcuClock, double frequencyHz, double estimatedPrintTimeS)
            implements TraceRecord {}

    /**
     * A temperature sample: the host's reading and control output, and when emulated the plant's
     * true temperature.
     */
    record Thermal(String heater, double timeS, Integer adcSum, Double temperatureC, Double targetC, Double duty, Double trueTemperatureC)
            implements TraceRecord {}

    /** A timer that ran late in real-time pacing. */
    record Lateness(long clock, double lateUs) implements TraceRecord {}

    /** A shutdown, seen by {@code side} ("mcu" or "host"). */
    record Shutdown(String side, String reason, Long clock, double timeS) implements TraceRecord {}

    /** An injected fault taking effect. */
    record Fault(String kind, String heater, double timeS) implements TraceRecord {}

    /** Totals at the end of a run, by name (counts, positions, print time). */
    record Stats(Map<String, Object> values) implements TraceRecord {}

    /**
     * The machine the host was configured for, by neutral names with units (limits, step
     * distances, heater control and sensor settings), so a trace can be read without its config.
     */
    record Config(Map<String, Object> settings) implements TraceRecord {}
}
