package org.steptrace.host.toolhead;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.steptrace.host.config.HeaterSettings;
import org.steptrace.host.config.PrinterConfig;
import org.steptrace.host.gcode.GcodeCommand;
import org.steptrace.host.gcode.GcodeException;
import org.steptrace.host.gcode.GcodeInterpreter;
import org.steptrace.host.gcode.GcodeParser;
import org.steptrace.host.mcu.ClockPoller;
import org.steptrace.host.mcu.ClockSync;
import org.steptrace.host.mcu.CommandQueue;
import org.steptrace.host.mcu.McuConfigPlan;
import org.steptrace.host.mcu.McuConnection;
import org.steptrace.host.mcu.TrsyncWatch;
import org.steptrace.host.thermal.Heater;
import org.steptrace.host.thermal.Heaters;
import org.steptrace.host.thermal.RelayAutotune;
import org.steptrace.host.thermal.TemperatureControl;
import org.steptrace.protocol.DataDictionary;
import org.steptrace.protocol.Message;
import org.steptrace.trace.TraceRecord;
import org.steptrace.trace.TraceSink;

/**
 * A host driving one MCU live: identify, clock sync, config, then G-code through the toolhead
 * with commands released as the MCU clock reaches them, reading paused while the plan is more
 * than a second ahead of the MCU, steps generated in the background, homing that stops on the
 * switch. Time is the connection driver's: virtual in process, the wall clock on a real link.
 */
public final class LiveHost implements LiveMcu {
    /** Reading pauses while the plan is this far ahead of the MCU. */
    static final double BUFFER_TIME_HIGH_S = 1.0;
    /** Waits let time pass in slices of at most this, flushing steps in between. */
    static final double WAIT_SLICE_S = 0.050;

    /** What a live run did. */
    public record Result(double printTimeS, double[] positionMm, Map<String, Long> mcuStepPositions,
                         Map<String, Long> commandedStepPositions, int moves, long stepsSent, List<String> replies) {}

    private final McuConnection connection;
    private final ClockSync sync;
    private final CommandQueue commands;
    private final TrsyncWatch trsyncs;
    private final PrinterConfig config;
    private final DataDictionary dictionary;
    private final PrintToolhead toolhead;
    private final GcodeInterpreter interpreter;
    private final List<String> replies = new ArrayList<>();
    private final Heaters heaters;
    private final double mcuHz;

    private LiveHost(McuConnection connection, PrinterConfig config, TraceSink trace) {
        this.connection = connection;
        this.config = config;
        trace.record(new TraceRecord.Config(org.steptrace.host.config.ConfigSummary.of(config)));
        connection.recordWire(trace);
        this.dictionary = connection.identify();
        this.mcuHz = dictionary.clockFrequencyHz();
        this.sync = new ClockSync(mcuHz);
        ClockPoller poller = new ClockPoller(connection, sync);
        poller.setTrace(trace);
        poller.start();
        McuConfigPlan plan = McuConfigPlan.build(config, dictionary, estimatedPrintTimeS());
        connection.configure(plan);
        int moveSlots = connection.moveCount();
        this.commands = new CommandQueue(connection, sync);
        this.trsyncs = new TrsyncWatch(connection, sync);
        this.heaters = new Heaters(connection, sync, commands, plan, config, trace);
        this.toolhead = new PrintToolhead(config, plan, dictionary, moveSlots, commands::add, new HeaterCommands(), this);
        toolhead.setTrace(trace);
        this.interpreter = new GcodeInterpreter(toolhead, replies::add);
        for (String name : toolhead.stepperNames()) toolhead.syncMcuPosition(name, mcuStepPosition(name));
    }

    private long mcuStepPosition(String stepper) {
        int oid = toolhead.stepperOid(stepper);
        return query("stepper_get_position oid=" + oid, m -> m.name().equals("stepper_position") && m.getInt("oid") == oid).getLong("pos");
    }

    /** Identifies, synchronises clocks with and configures the MCU behind {@code connection}. */
    public static LiveHost start(McuConnection connection, PrinterConfig config) {
        return new LiveHost(connection, config, TraceSink.NONE);
    }

    /** As {@link #start(McuConnection, PrinterConfig)}, recording the host's side into {@code trace}. */
    public static LiveHost start(McuConnection connection, PrinterConfig config, TraceSink trace) {
        return new LiveHost(connection, config, trace);
    }

    public DataDictionary dictionary() {
        return dictionary;
    }

    /** The MCU clock's frequency as measured against the host's clock. */
    public double measuredClockHz() {
        return sync.frequencyHz();
    }

    /** Runs G-code lines; a bad line ends the run with an error naming it. */
    public void run(List<String> lines, String source) {
        int n = 0;
        for (String text : lines) {
            GcodeCommand c = GcodeParser.parse(text, source, ++n);
            if (c == null) continue;
            interpreter.run(c);
            double ahead = toolhead.printTimeS() - estimatedPrintTimeS();
            if (ahead > BUFFER_TIME_HIGH_S) waitForPrintTime(toolhead.printTimeS() - BUFFER_TIME_HIGH_S, () -> false);
            checkHealth();
        }
    }

    /** Ends the run as a host ends its input (motors off), waits for the MCU to finish, and reports. */
    public Result finish() {
        toolhead.finish();
        waitForPrintTime(toolhead.printTimeS(), () -> false);
        waitFor(() -> commands.pending() == 0);
        Map<String, Long> mcu = new LinkedHashMap<>();
        Map<String, Long> commanded = new LinkedHashMap<>();
        for (String name : toolhead.stepperNames()) {
            mcu.put(name, mcuStepPosition(name));
            commanded.put(name, toolhead.mcuPositionOf(name));
        }
        return new Result(toolhead.printTimeS(), toolhead.position(), mcu, commanded, toolhead.movesPlanned(), toolhead.totalSteps(),
                List.copyOf(replies));
    }

    // ---- LiveMcu ---------------------------------------------------------------------------------

    @Override
    public double estimatedPrintTimeS() {
        return sync.estimatedPrintTime(connection.nowS());
    }

    @Override
    public void waitForPrintTime(double printTimeS, BooleanSupplier stop) {
        if (Double.isNaN(printTimeS)) {
            // Seen after a delta homed over a damaged line: fail the session plainly rather than wait forever.
            throw new McuConnection.McuSessionException("the host's print time became undefined (NaN); motion state is lost");
        }
        while (true) {
            toolhead.backgroundFlush();
            checkHealth();
            double left = printTimeS - estimatedPrintTimeS();
            if (left <= 0 || stop.getAsBoolean()) return;
            connection.runUntil(() -> stop.getAsBoolean() || connection.shutdownReason() != null || connection.failure() != null,
                    connection.nowS() + Math.min(WAIT_SLICE_S, left));
        }
    }

    private void waitFor(BooleanSupplier done) {
        while (!done.getAsBoolean()) {
            toolhead.backgroundFlush();
            checkHealth();
            connection.runUntil(() -> done.getAsBoolean() || connection.shutdownReason() != null || connection.failure() != null,
                    connection.nowS() + WAIT_SLICE_S);
        }
    }

    @Override
    public Message query(String command, Predicate<Message> answer) {
        waitFor(() -> commands.pending() == 0);
        return connection.query(command, answer);
    }

    @Override
    public TrsyncWatch trsyncs() {
        return trsyncs;
    }

    @Override
    public long extendClock(long clock32) {
        return sync.extend(clock32);
    }

    private void checkHealth() {
        // A host-side fault first: it stops the MCU too, and its reason is the one that matters.
        if (connection.failure() != null) throw new McuConnection.McuSessionException(connection.failure());
        if (connection.shutdownReason() != null) throw new McuConnection.McuSessionException("MCU shutdown: " + connection.shutdownReason());
    }

    public Heaters heaters() {
        return heaters;
    }

    /** Lets {@code seconds} of time pass with everything running (steps flushed, heaters controlled). */
    public void idle(double seconds) {
        double until = connection.nowS() + seconds;
        waitFor(() -> connection.nowS() >= until);
    }

    /** M104/M109/M140/M190, TEMPERATURE_WAIT and PID_CALIBRATE on the live heaters. */
    private final class HeaterCommands implements org.steptrace.host.gcode.Toolhead.HeaterTargets {
        private Heater named(String name) {
            try {
                return heaters.heater(name);
            } catch (IllegalArgumentException e) {
                throw new GcodeException(e.getMessage());
            }
        }

        private void checkRange(String name, double targetC) {
            HeaterSettings s = name.equals("heater_bed") ? config.heaterBed() : config.extruder() == null ? null : config.extruder().heater();
            if (s == null) throw new GcodeException("no heater '" + name + "' in this printer");
            if (targetC != 0 && (targetC < s.minTempC() || targetC > s.maxTempC())) {
                throw new GcodeException(String.format(java.util.Locale.ROOT, "Requested temperature (%.1f) out of range (%.1f:%.1f)",
                        targetC, s.minTempC(), s.maxTempC()));
            }
        }

        @Override
        public void setTarget(String heater, double targetC, boolean wait) {
            checkRange(heater, targetC);
            Heater h = named(heater);
            h.setTarget(targetC);
            if (!wait || targetC <= 0) return;
            // Waiting plans the queued moves to a stop first, as a host does.
            toolhead.dwell(0);
            waitFor(() -> !h.busy());
        }

        @Override
        public void waitTemperature(String sensor, Double minC, Double maxC) {
            Heater h = named(sensor);
            toolhead.dwell(0);
            waitFor(() -> !Double.isNaN(h.temperatureC()) && (minC == null || h.temperatureC() >= minC)
                    && (maxC == null || h.temperatureC() <= maxC));
        }

        @Override
        public List<String> calibratePid(String heater, double targetC) {
            checkRange(heater, targetC);
            Heater h = named(heater);
            toolhead.dwell(0);
            RelayAutotune tune = new RelayAutotune(h.maxPower());
            TemperatureControl before = h.setControl(tune);
            h.setTarget(targetC);
            try {
                waitFor(tune::done);
            } finally {
                h.setTarget(0);
                h.setControl(before);
            }
            RelayAutotune.Result r = tune.result();
            return List.of(String.format(java.util.Locale.ROOT, "// Ku=%.4f Tu=%.3f s (amplitude %.2f C)", r.ku(), r.tuS(), r.amplitudeC()),
                    String.format(java.util.Locale.ROOT, "// PID parameters: pid_Kp=%.3f pid_Ki=%.3f pid_Kd=%.3f", r.kp(), r.ki(), r.kd()));
        }
    }
}
