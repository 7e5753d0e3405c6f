package org.steptrace.host.toolhead;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.steptrace.host.config.PrinterConfig;
import org.steptrace.host.config.RailSettings;
import org.steptrace.host.config.StepperSettings;
import org.steptrace.host.gcode.GcodeException;
import org.steptrace.host.gcode.Toolhead;
import org.steptrace.host.mcu.McuCommands;
import org.steptrace.host.mcu.McuConfigPlan;
import org.steptrace.host.mcu.Outgoing;
import org.steptrace.host.mcu.MoveQueueBudget;
import org.steptrace.host.motion.LookaheadQueue;
import org.steptrace.host.motion.MotionLimits;
import org.steptrace.host.motion.MotionQueue;
import org.steptrace.host.motion.Move;
import org.steptrace.host.motion.Trapezoid;
import org.steptrace.host.steps.PressureAdvance;
import org.steptrace.host.steps.StepSolver;
import org.steptrace.host.steps.StepperChannel;
import org.steptrace.host.steps.StepperMessage;
import org.steptrace.machine.CartesianKinematics;
import org.steptrace.machine.CoreXYKinematics;
import org.steptrace.machine.DeltaKinematics;
import org.steptrace.machine.Kinematics;
import org.steptrace.machine.Vec3;
import org.steptrace.protocol.DataDictionary;
import org.steptrace.trace.TraceRecord;
import org.steptrace.trace.TraceSink;

/**
 * The host's toolhead for one MCU: G-code moves go through lookahead onto the print-time axis,
 * step times are solved per stepper, compressed and released in clock order within the move
 * queue's budget. Homing follows the batch (file output) rules: the endstop never triggers, the
 * whole move runs, and the toolhead is then set to the endstop position.
 */
public final class PrintToolhead implements Toolhead {
    static final double BUFFER_TIME_START_S = 0.250;
    static final double MIN_KIN_TIME_S = 0.100;
    static final double HOMING_START_DELAY_S = 0.001;
    static final double ENDSTOP_SAMPLE_TIME_S = 0.000015;
    static final int ENDSTOP_SAMPLE_COUNT = 4;
    static final double SINGLE_MCU_TRSYNC_TIMEOUT_S = 0.250;
    static final double MAX_STEPCOMPRESS_ERROR_S = 0.000025;
    static final double HOMING_DRIP_S = 0.050;

    /** A stepper with its solver, channel and enable pin. */
    private static final class Rail {
        final StepperSettings settings;
        final StepSolver solver;
        final StepperChannel channel;
        final int oid;
        final Integer enableOid;
        /** +1 when the MCU counts this stepper's positive steps up, −1 when its dir pin is inverted. */
        final int mcuSign;
        /** The MCU's step position minus mcuSign × the host's commanded step position. */
        long mcuOffsetSteps;
        boolean enabled;
        /** The enable pin's previous update: its next may not go before (one reserved slot per pin). */
        long enableUpdatedClock;

        Rail(StepperSettings s, StepSolver solver, StepperChannel channel, int oid, Integer enableOid) {
            this.settings = s;
            this.solver = solver;
            this.channel = channel;
            this.oid = oid;
            this.enableOid = enableOid;
            this.mcuSign = s.dirPin().invert() ? -1 : 1;
        }

        long commandedSteps() {
            return Math.round(solver.commandedMm() / settings.stepDistanceMm());
        }

        /** Where the MCU's step counter stands once every step generated so far has run. */
        long mcuPosition() {
            return mcuSign * commandedSteps() + mcuOffsetSteps;
        }
    }

    private final PrinterConfig config;
    private final McuConfigPlan plan;
    private final McuCommands cmd;
    private final HeaterTargets heaters;
    private final double clockHz;
    private final Consumer<Outgoing> out;
    private final Kinematics kinematics;
    private final List<Rail> rails = new ArrayList<>();
    private final Rail extruder;
    private final MotionQueue motion;
    private final LookaheadQueue lookahead;
    private final MoveQueueBudget budget;
    private final List<StepperMessage> pendingSteps = new ArrayList<>();
    private final double kinFlushDelayS;
    /** Null when writing to a file: then nothing waits and homing never sees a trigger. */
    private final LiveMcu live;
    /** Homing drips its move out itself; background flushes keep away meanwhile. */
    private boolean dripping;
    private MotionLimits limits;
    private double[] position = new double[4];
    private double printTimeS;
    /** When the last laid move ends (print time can run past it: dwells, resyncs). */
    private double lastMoveEndS;
    private boolean idle = true;
    /** Whether the file host's background flush has work (set when moves or pin updates are queued). */
    private boolean armed;
    private int moves;
    private double lastStepGenS;
    private double lastFlushS;
    private final boolean[] homed = new boolean[3];
    private TraceSink trace = TraceSink.NONE;
    /** Each stepper's direction pin level as last sent, by oid (for step batch records). */
    private final java.util.Map<Integer, Integer> sentDirByOid = new java.util.HashMap<>();

    /**
     * @param moveSlots move-queue slots the MCU gives to steps and outputs
     */
    public PrintToolhead(PrinterConfig config, McuConfigPlan plan, DataDictionary dict, int moveSlots, Consumer<Outgoing> out,
                         HeaterTargets heaters, LiveMcu live) {
        this.heaters = heaters;
        this.live = live;
        this.config = config;
        this.plan = plan;
        this.clockHz = dict.clockFrequencyHz();
        this.cmd = new McuCommands(dict);
        this.out = out;
        this.kinematics = kinematics(config);
        this.limits = new MotionLimits(config.printer().maxVelocityMmPerS(), config.printer().maxAccelMmPerS2(),
                config.printer().squareCornerVelocityMmPerS(), config.printer().minimumCruiseRatio());
        int maxError = (int) (MAX_STEPCOMPRESS_ERROR_S * clockHz);
        for (int i = 0; i < config.steppers().size(); i++) {
            StepperSettings s = config.steppers().get(i);
            final int actuator = i;
            double[] c = kinematics.linearCoefficients(i);
            StepSolver solver = c != null ? StepSolver.linear(new double[] {c[0], c[1], c[2], 0}, s.stepDistanceMm(), 0)
                    : new StepSolver(p -> kinematics.actuatorPosition(actuator, new Vec3(p[0], p[1], p[2])), s.stepDistanceMm(), 0);
            rails.add(rail(s, solver, maxError, s.name()));
        }
        var e = config.extruder();
        boolean pa = e != null && e.pressureAdvanceS() != 0;
        // Smoothing looks half its window into the neighbouring moves: steps lag that far behind.
        this.kinFlushDelayS = pa ? Math.max(0.001, e.pressureAdvanceSmoothTimeS() / 2) : 0.001;
        this.extruder = e == null ? null
                : rail(e.stepper(), pa ? StepSolver.pressureAdvanced(new PressureAdvance(e.pressureAdvanceS(), e.pressureAdvanceSmoothTimeS()),
                        e.stepper().stepDistanceMm())
                        : StepSolver.linear(new double[] {0, 0, 0, 1}, e.stepper().stepDistanceMm(), 0), maxError, "extruder");
        this.motion = new MotionQueue(position);
        this.lookahead = new LookaheadQueue(this::lay);
        // One slot per output pin stays reserved for its own updates.
        int outputs = (int) plan.oids().keySet().stream().filter(k -> k.endsWith(".enable") || k.endsWith(".pwm")).count();
        this.budget = new MoveQueueBudget(moveSlots - outputs);
    }

    private Rail rail(StepperSettings s, StepSolver solver, int maxError, String key) {
        solver.setPosition(position);
        StepperChannel channel = new StepperChannel(plan.oids().get(key), s.dirPin().invert(), clockHz, maxError, pendingSteps::add);
        Rail r = new Rail(s, solver, channel, plan.oids().get(key), plan.oids().get(key + ".enable"));
        // A freshly configured MCU counts from 0 wherever the host starts.
        r.mcuOffsetSteps = -r.mcuSign * r.commandedSteps();
        return r;
    }

    private static Kinematics kinematics(PrinterConfig c) {
        return switch (c.printer().kinematics()) {
            case "cartesian" -> new CartesianKinematics();
            case "corexy" -> new CoreXYKinematics();
            case "delta" -> {
                double[] arms = new double[3];
                double[] angles = new double[3];
                for (int i = 0; i < 3; i++) {
                    RailSettings r = c.steppers().get(i).rail();
                    arms[i] = r.armLengthMm();
                    angles[i] = r.towerAngleDeg();
                }
                yield new DeltaKinematics(c.printer().deltaRadiusMm(), arms, angles);
            }
            default -> throw new IllegalArgumentException(c.printer().kinematics());
        };
    }

    private double estimatedPrintTimeS() {
        return live == null ? 0 : live.estimatedPrintTimeS();
    }

    /**
     * Leaving idle: start far enough ahead of the MCU (0.25 s) and of steps already generated
     * (steps restart no sooner than 0.1 s ahead); print time never moves backwards.
     */
    private void resync() {
        double est = estimatedPrintTimeS();
        printTimeS = Math.max(printTimeS, Math.max(est + BUFFER_TIME_START_S, Math.max(est + MIN_KIN_TIME_S, lastStepGenS) + kinFlushDelayS));
    }

    private long clock(double printTimeS) {
        return (long) (printTimeS * clockHz);
    }

    // ---- planning ---------------------------------------------------------------------------

    private void lay(Trapezoid t) {
        if (idle) {
            resync();
            idle = false;
        }
        enableMovedSteppers(t, printTimeS);
        if (trace.enabled()) {
            trace.record(new TraceRecord.Move(printTimeS, t.durationS(), t.startV(), t.cruiseV(), t.endV(), t.accelMmPerS2(),
                    t.start().clone(), t.end().clone()));
        }
        printTimeS = motion.append(t, printTimeS);
        lastMoveEndS = printTimeS;
        armed = true;
    }

    private void enableMovedSteppers(Trapezoid t, double atS) {
        List<Rail> all = new ArrayList<>(rails);
        if (extruder != null) all.add(extruder);
        for (Rail r : all) {
            if (r.enabled || r.enableOid == null) continue;
            if (r.solver.actuatorMm(t.start()) != r.solver.actuatorMm(t.end())) {
                r.enabled = true;
                int on = r.settings.enablePin().invert() ? 0 : 1;
                sendEnable(r, on, clock(atS));
            }
        }
    }

    private void sendEnable(Rail r, int onTicks, long clock) {
        armed = true;
        out.accept(new Outgoing(cmd.queueDigitalOut(r.enableOid, clock, onTicks), r.enableUpdatedClock, clock));
        r.enableUpdatedClock = clock;
    }

    @Override
    public double[] position() {
        return position.clone();
    }

    @Override
    public HeaterTargets heaters() {
        return heaters;
    }

    @Override
    public void move(double[] target, double speedMmPerS) {
        checkLimits(target);
        Move m = new Move(position, target, speedMmPerS, limits);
        double dz = Math.abs(target[2] - position[2]);
        if (m.isKinematic() && dz > 0) {
            double zRatio = m.distanceMm() / dz;
            m.limitSpeed(config.printer().maxZVelocityMmPerS() * zRatio, config.printer().maxZAccelMmPerS2() * zRatio);
        }
        if (kinematics instanceof DeltaKinematics && m.isKinematic()) {
            // Far out, the carriages move much faster than the effector: slow down there.
            double r = Math.max(Math.hypot(position[0], position[1]), Math.hypot(target[0], target[1]));
            if (r > deltaRadiusLimit(6)) m.limitSpeed(limits.maxVelocityMmPerS() * 0.25, limits.maxAccelMmPerS2() * 0.25);
            else if (r > deltaRadiusLimit(3)) m.limitSpeed(limits.maxVelocityMmPerS() * 0.5, limits.maxAccelMmPerS2() * 0.5);
        }
        if (config.extruder() != null && m.isKinematic()) {
            // Every junction limits the filament's speed change, also into and out of travel moves.
            m.setExtruderCornerVelocity(config.extruder().instantaneousCornerVelocityMmPerS());
        }
        if (target[3] != position[3]) checkExtrusion(m, target);
        lookahead.add(m);
        position = target.clone();
        moves++;
    }

    /**
     * The extruder's limits: moves without X/Y motion and all retractions run at the extrude-only
     * speed and acceleration (scaled to the path), which may push at most 50 mm; printing moves
     * may not ask for a wider line than max_extrude_cross_section allows.
     */
    private void checkExtrusion(Move m, double[] target) {
        var e = config.extruder();
        if (e == null) throw new GcodeException("Extrude when no extruder present");
        double ratio = m.extrudeRatio();
        double maxRatio = e.maxExtrudeCrossSectionMm2() / e.filamentAreaMm2();
        boolean xyMotion = target[0] != position[0] || target[1] != position[1];
        double de = Math.abs(target[3] - position[3]);
        if (!xyMotion || ratio < 0) {
            if (de > e.maxExtrudeOnlyDistanceMm()) {
                throw new GcodeException(String.format(java.util.Locale.ROOT,
                        "Extrude only move too long (%.3fmm vs %.3fmm)", de, e.maxExtrudeOnlyDistanceMm()));
            }
            double inv = 1 / Math.abs(ratio);
            m.limitSpeed(e.maxExtrudeOnlyVelocityMmPerS() * inv, e.maxExtrudeOnlyAccelMmPerS2() * inv);
        } else if (ratio > maxRatio && de > e.nozzleDiameterMm() * maxRatio) {
            throw new GcodeException(String.format(java.util.Locale.ROOT,
                    "Move exceeds maximum extrusion (%.3fmm^2 vs %.3fmm^2)", ratio * e.filamentAreaMm2(), e.maxExtrudeCrossSectionMm2()));
        }
    }

    private void checkLimits(double[] target) {
        if (!config.printer().kinematics().equals("delta")) {
            for (int i = 0; i < 3; i++) {
                if (target[i] == position[i]) continue;
                if (!homed[i]) throw new GcodeException("Must home axis first: " + fmt(target));
                RailSettings r = config.steppers().get(i).rail();
                if (target[i] < r.positionMinMm() - 1e-9 || target[i] > r.positionMaxMm() + 1e-9) {
                    throw new GcodeException("Move out of range: " + fmt(target));
                }
            }
        } else if (target[0] != position[0] || target[1] != position[1] || target[2] != position[2]) {
            if (!(homed[0] && homed[1] && homed[2])) throw new GcodeException("Must home axis first: " + fmt(target));
            if (Math.hypot(target[0], target[1]) > deltaRadiusLimit(12) + 1e-9
                    || target[2] < config.printer().minimumZPositionMm() - 1e-9) {
                throw new GcodeException("Move out of range: " + fmt(target));
            }
        }
    }

    private static String fmt(double[] p) {
        return String.format(java.util.Locale.ROOT, "%.3f %.3f %.3f [%.3f]", p[0], p[1], p[2], p[3]);
    }

    /** Plans everything queued to a stop. */
    private void flushLookahead() {
        lookahead.flushAll();
        idle = true;
    }

    /** The time the last queued move ends (a resync when idle). */
    private double lastMoveTime() {
        flushLookahead();
        resync();
        return printTimeS;
    }

    /** Generates and sends every step up to the end of the last queued move. */
    private void fullStepFlush() {
        flushLookahead();
        double t = lastMoveEndS + kinFlushDelayS;
        flushSteps(t, t);
    }

    private void flushSteps(double wantFlushS, double wantStepGenS) {
        double flush = Math.max(wantFlushS, Math.max(lastFlushS, wantStepGenS - 0.050));
        double stepGen = Math.max(wantStepGenS, Math.max(lastStepGenS, flush));
        // Runout: steps about to catch up with the planned motion plan everything to a stop.
        if (!idle && stepGen >= printTimeS - kinFlushDelayS - 0.001) flushLookahead();
        if (stepGen > lastStepGenS) {
            for (Rail r : allRails()) {
                r.solver.generate(motion, lastStepGenS, stepGen, r.channel::step);
                if (r.channel.hasHeldStep() && r.solver.reachedLastStep(motion, stepGen, r.channel.heldPositive())) {
                    r.channel.commitHeld();
                }
            }
        }
        long flushClock = Math.round(flush * clockHz);
        for (Rail r : allRails()) r.channel.flush(flushClock);
        lastStepGenS = stepGen;
        lastFlushS = flush;
        releaseSteps(flushClock);
        motion.expireBefore(stepGen - 1.0);
    }

    private List<Rail> allRails() {
        List<Rail> all = new ArrayList<>(rails);
        if (extruder != null) all.add(extruder);
        return all;
    }

    /** Sends step messages due by {@code flushClock} in clock order, each within the move-queue budget. */
    private void releaseSteps(long flushClock) {
        pendingSteps.sort(Comparator.comparingLong(StepperMessage::reqClock).thenComparingInt(StepperMessage::oid));
        List<StepperMessage> keep = new ArrayList<>();
        for (StepperMessage m : pendingSteps) {
            if (m.reqClock() > flushClock) {
                keep.add(m);
            } else if (m instanceof StepperMessage.QueueStep q) {
                // A stepper's first run after config or a reset starts from clock 0: no slot to wait for.
                long minClock = q.previousStepClock() == 0 ? 0 : budget.reserve(m.reqClock());
                if (trace.enabled()) {
                    trace.record(new TraceRecord.StepBatch(stepperNameOf(q.oid()), q.oid(), q.firstClock(), q.lastClock(),
                            q.sequence().interval(), q.sequence().count(), q.sequence().add(), sentDirByOid.getOrDefault(q.oid(), 0), null));
                }
                out.accept(new Outgoing(cmd.queueStep(q.oid(), q.sequence().interval(), q.sequence().count(), q.sequence().add()),
                        minClock, m.reqClock()));
            } else {
                StepperMessage.SetDir d = (StepperMessage.SetDir) m;
                sentDirByOid.put(d.oid(), d.dir());
                out.accept(new Outgoing(cmd.setNextStepDir(d.oid(), d.dir()), budget.earliestFreeClock(), m.reqClock()));
            }
        }
        pendingSteps.clear();
        pendingSteps.addAll(keep);
    }

    /**
     * The file host's background flush, run once after each 4096-byte read of the G-code: step
     * generation follows the queued motion in 0.25 s batches up to 1.5 s behind it; when it has
     * caught up, everything is flushed 0.25 s past the end (which plans a streaming toolhead to a
     * stop) and the flush disarms until new motion arrives.
     */
    public void batchFlush() {
        if (!armed) return;
        double needFlushS = lastMoveEndS + kinFlushDelayS;
        double faux = needFlushS - 1.5;
        int n = 0;
        while (lastStepGenS < faux) {
            double target = lastStepGenS + 0.25;
            if (n > 100 && faux > target) target += Math.floor((faux - target) / 0.25) * 0.25;
            flushSteps(0, target);
            n++;
        }
        if (n == 0) {
            flushSteps(needFlushS + 0.25, 0);
            armed = false;
        }
    }

    /** How far ahead of the MCU a live host keeps its steps: refilled in batches when below the low mark. */
    static final double BGFLUSH_LOW_S = 0.450;
    static final double BGFLUSH_HIGH_S = 0.700;
    static final double BGFLUSH_EXTRA_S = 0.250;

    /**
     * A live host's background flush: keeps generated steps 0.45–0.7 s ahead of the MCU's print
     * time, and at most a quarter second past the end of the queued motion.
     */
    public void backgroundFlush() {
        if (dripping || !armed) return;
        double est = estimatedPrintTimeS();
        double end = lastMoveEndS + kinFlushDelayS + BGFLUSH_EXTRA_S;
        if (lastStepGenS >= end && idle) {
            armed = false;
            return;
        }
        if (lastStepGenS - est > BGFLUSH_LOW_S) return;
        flushSteps(0, Math.min(end, est + BGFLUSH_HIGH_S));
    }

    // ---- G-code actions ---------------------------------------------------------------------

    @Override
    public void dwell(double seconds) {
        printTimeS = lastMoveTime() + Math.max(0, seconds);
    }

    @Override
    public void waitMoves() {
        flushLookahead();
        // A live host also waits for the MCU to finish what is queued.
        if (live != null) live.waitForPrintTime(lastMoveEndS, () -> false);
    }

    @Override
    public void setVelocityLimit(Double velocity, Double accel, Double scv, Double mcr) {
        limits = new MotionLimits(velocity != null ? velocity : limits.maxVelocityMmPerS(),
                accel != null ? accel : limits.maxAccelMmPerS2(),
                scv != null ? scv : limits.squareCornerVelocityMmPerS(),
                mcr != null ? mcr : limits.minimumCruiseRatio());
    }

    @Override
    public void setFanSpeed(double fraction) {
        var fan = config.fan();
        if (fan == null) return;
        // Below off_below the fan is off; the fraction is compared before max_power scales it.
        double value = fraction < fan.offBelow() ? 0 : fraction * fan.maxPower();
        final double v = value;
        // Timed to the end of the moves queued before it, without stopping them.
        if (lookahead.isEmpty()) applyFan(v, lastMoveTime());
        else lookahead.last().afterLaid(() -> applyFan(v, printTimeS));
    }

    private double fanValue;
    private long fanUpdatedClock;

    /** Sets the fan at {@code atS}; from standstill (or a big step up) it first runs at full power for the kick-start time. */
    private void applyFan(double value, double atS) {
        var fan = config.fan();
        if (value == fanValue) return;
        if (fan.kickStartTimeS() > 0 && value > 0 && value < fan.maxPower() && (fanValue == 0 || value - fanValue > 0.5)) {
            sendFan(fan.maxPower(), atS);
            atS += fan.kickStartTimeS();
        }
        sendFan(value, atS);
        fanValue = value;
    }

    private void sendFan(double value, double atS) {
        int oid = plan.oids().get("fan.pwm");
        long clock = clock(atS);
        long onTicks = McuConfigPlan.onTicks(value, (long) (config.fan().cycleTimeS() * clockHz), config.fan().pin().invert());
        out.accept(new Outgoing(cmd.queueDigitalOut(oid, clock, onTicks), fanUpdatedClock, clock));
        fanUpdatedClock = clock;
        armed = true;
    }

    @Override
    public void motorsOff() {
        fullStepFlush();
        dwell(0.1);
        double at = lastMoveTime();
        for (Rail r : allRails()) {
            if (!r.enabled || r.enableOid == null) continue;
            r.enabled = false;
            sendEnable(r, r.settings.enablePin().invert() ? 1 : 0, clock(at));
        }
        dwell(0.1);
        java.util.Arrays.fill(homed, false);
    }

    /** What a file host does at the end of its input: motors off, then half a second of dwell. */
    public double finish() {
        double exitTime = lastMoveTime();
        if (config.fan() != null) applyFan(0, exitTime);
        motorsOff();
        dwell(0.5);
        fullStepFlush();
        for (Rail r : allRails()) r.channel.flushAll();
        releaseSteps(Long.MAX_VALUE);
        return exitTime;
    }

    @Override
    public void home(Set<Character> axes) {
        if (config.printer().kinematics().equals("delta")) {
            homeDelta();
            return;
        }
        for (char a : new char[] {'X', 'Y', 'Z'}) {
            if (axes.contains(a)) homeAxis("XYZ".indexOf(a));
        }
    }

    private void homeAxis(int axis) {
        RailSettings rs = config.steppers().get(axis).rail();
        double endstop = rs.positionEndstopMm();
        double startCoord = rs.homingPositiveDir() ? endstop - 1.5 * (endstop - rs.positionMinMm())
                : endstop + 1.5 * (rs.positionMaxMm() - endstop);
        double[] start = position.clone();
        start[axis] = startCoord;
        double[] target = position.clone();
        target[axis] = endstop;
        homed[axis] = true;
        homeRails(List.of(axis), start, target, rs);
    }

    /**
     * Homes rails together: set the forced start, home, and if a retract is configured, back off
     * by it, claim twice that distance and home again slower.
     */
    private void homeRails(List<Integer> railIndexes, double[] start, double[] target, RailSettings rs) {
        setPosition(start);
        homingMove(railIndexes, target, rs.homingSpeedMmPerS());
        if (rs.homingRetractDistMm() > 0) {
            double[] d = new double[4];
            double len = 0;
            for (int i = 0; i < 3; i++) {
                d[i] = target[i] - start[i];
                len += d[i] * d[i];
            }
            double r = Math.min(1, rs.homingRetractDistMm() / Math.sqrt(len));
            double[] retract = target.clone();
            double[] again = target.clone();
            for (int i = 0; i < 3; i++) {
                retract[i] = target[i] - r * d[i];
                again[i] = target[i] - 2 * r * d[i];
            }
            move(retract, rs.homingRetractSpeedMmPerS());
            setPosition(again);
            homingMove(railIndexes, target, rs.secondHomingSpeedMmPerS());
        }
        fullStepFlush();
    }

    /**
     * A delta homes its three towers together: from far below, straight up to where every
     * carriage sits at its endstop.
     */
    private void homeDelta() {
        DeltaKinematics k = (DeltaKinematics) kinematics;
        double[] heights = new double[3];
        double maxArm2 = 0;
        for (int i = 0; i < 3; i++) {
            RailSettings r = config.steppers().get(i).rail();
            double arm = r.armLengthMm();
            heights[i] = r.positionEndstopMm() + Math.sqrt(arm * arm - k.radiusMm() * k.radiusMm());
            maxArm2 = Math.max(maxArm2, arm * arm);
        }
        Vec3 top = k.toolhead(heights);
        double[] target = {top.x(), top.y(), top.z(), position[3]};
        double maxXy = deltaRadiusLimit(12);
        double[] start = {top.x(), top.y(), -1.5 * Math.sqrt(maxArm2 - maxXy * maxXy), position[3]};
        java.util.Arrays.fill(homed, true);
        homeRails(List.of(0, 1, 2), start, target, config.steppers().get(0).rail());
    }

    /**
     * The radius at which a tower's carriage moves {@code ratio} times faster than the effector:
     * with the effector at horizontal distance d from a tower, the carriage speed ratio is
     * d / sqrt(L^2 - d^2), so d = L·r / sqrt(1 + r^2), at radius d − R from the centre.
     */
    private double deltaRadiusLimit(double ratio) {
        DeltaKinematics k = (DeltaKinematics) kinematics;
        double minArm = Double.MAX_VALUE;
        for (int i = 0; i < 3; i++) minArm = Math.min(minArm, k.armMm(i));
        double byRatio = minArm * ratio / Math.sqrt(1 + ratio * ratio) - k.radiusMm();
        return Math.min(byRatio, Math.min(config.printer().printRadiusMm(), minArm - k.radiusMm()));
    }

    /**
     * Declares the toolhead to be at {@code p} without moving: the steppers' commanded positions
     * follow, their MCU step counters do not (the offsets absorb the difference).
     */
    private void setPosition(double[] p) {
        fullStepFlush();
        position = p.clone();
        motion.rest(lastStepGenS, position);
        for (Rail r : allRails()) {
            long mcu = r.mcuPosition();
            r.solver.setPosition(position);
            r.mcuOffsetSteps = mcu - r.mcuSign * r.commandedSteps();
        }
    }

    /** What one endstop of a homing move stops, and how it is reached. */
    private record HomingEndstop(String name, int trsyncOid, int endstopOid, long restTicks, List<Rail> stopped) {}

    /**
     * One homing move: arm each endstop's trsync (which stops the listed steppers when the
     * switch closes), drip the move out in 50 ms pieces, disarm. A file host never sees the
     * trigger and sets the toolhead to the target; a live host stops dripping when every
     * endstop has triggered, asks the MCU where the steppers halted and when the switch closed,
     * and places the toolhead by how far the steppers ran past the trigger.
     */
    private void homingMove(List<Integer> endstopRails, double[] target, double speed) {
        fullStepFlush();
        double pt = lastMoveTime();
        long clock = clock(pt);
        double[] d = {target[0] - position[0], target[1] - position[1], target[2] - position[2]};
        double moveT = Math.sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]) / speed;
        long timeoutTicks = (long) (SINGLE_MCU_TRSYNC_TIMEOUT_S * clockHz);
        List<HomingEndstop> endstops = new ArrayList<>();
        for (int axis : endstopRails) {
            String key = config.steppers().get(axis).name();
            Rail rail = rails.get(axis);
            // On a CoreXY both belts move X and Y: the X and Y endstops stop both, the rail's own first.
            List<Rail> stopped = new ArrayList<>(List.of(rail));
            if (config.printer().kinematics().equals("corexy") && axis < 2) stopped.add(rails.get(1 - axis));
            double maxSteps = 0;
            for (Rail r : stopped) {
                maxSteps = Math.max(maxSteps, Math.abs(r.solver.actuatorMm(target) - r.solver.actuatorMm(position)) / r.settings.stepDistanceMm());
            }
            double restTime = maxSteps <= 0 ? 0.001 : moveT / maxSteps;
            HomingEndstop h = new HomingEndstop(key, plan.oids().get(key + ".trsync"), plan.oids().get(key + ".endstop"),
                    clock(pt + restTime) - clock, stopped);
            endstops.add(h);
            long reportTicks = (long) (0.3 * SINGLE_MCU_TRSYNC_TIMEOUT_S * clockHz);
            int pinValue = rail.settings.rail().endstopPin().invert() ? 0 : 1;
            if (live != null) live.trsyncs().arm(h.trsyncOid(), timeoutTicks);
            out.accept(new Outgoing(cmd.trsyncStart(h.trsyncOid(), clock, reportTicks, 4), 0, 0));
            for (Rail r : stopped) out.accept(new Outgoing(cmd.stepperStopOnTrigger(r.oid, h.trsyncOid()), 0, 0));
            out.accept(new Outgoing(cmd.trsyncSetTimeout(h.trsyncOid(), clock + timeoutTicks), 0, 0));
            out.accept(new Outgoing(cmd.endstopHome(h.endstopOid(), clock, (long) (ENDSTOP_SAMPLE_TIME_S * clockHz), ENDSTOP_SAMPLE_COUNT,
                    h.restTicks(), pinValue, h.trsyncOid(), 1), 0, 0));
        }
        long[] startSent = new long[rails.size()];
        long[] startMcu = new long[rails.size()];
        for (int i = 0; i < rails.size(); i++) {
            startSent[i] = rails.get(i).channel.sentPosition();
            startMcu[i] = rails.get(i).mcuPosition();
        }
        printTimeS = pt + HOMING_START_DELAY_S + kinFlushDelayS;
        idle = false;
        double startS = printTimeS;
        move(target, speed);
        flushLookahead();
        double endS = lastMoveEndS;
        int[] trsyncOids = endstops.stream().mapToInt(HomingEndstop::trsyncOid).toArray();
        // Asked after every event while dripping: kept cheap.
        java.util.function.BooleanSupplier allTriggered = () -> {
            if (live == null) return false;
            for (int oid : trsyncOids) {
                if (!live.trsyncs().triggered(oid)) return false;
            }
            return true;
        };
        dripping = true;
        double t = startS;
        try {
            flushSteps(startS - 0.001, startS);
            while (t < endS) {
                // Live: the next piece only once the last is within 0.1 s of running.
                if (live != null) live.waitForPrintTime(t - 0.100, allTriggered);
                if (allTriggered.getAsBoolean()) break;
                t = Math.min(t + HOMING_DRIP_S, endS);
                flushSteps(t - 0.001, t);
            }
            if (t < endS) {
                // The rest of the move will never run: it leaves the plan.
                motion.truncateAfter(t);
                motion.positionAt(t, position);
                lastMoveEndS = t;
                printTimeS = t;
            }
            flushSteps(t + kinFlushDelayS, t + kinFlushDelayS);
        } finally {
            dripping = false;
        }
        for (HomingEndstop h : endstops) out.accept(new Outgoing(cmd.endstopHome(h.endstopOid(), 0, 0, 0, 0, 0, 0, 0), 0, 0));
        idle = true;
        armed = true;
        if (live == null) {
            // A file host never sees the trigger: the toolhead is set exactly to where the move ended.
            setPosition(target);
            return;
        }
        live.waitForPrintTime(endS, allTriggered);
        homeFromTrigger(endstops, target, startSent, startMcu);
    }

    /**
     * After a live homing move: learn from the MCU why each trsync ended, where its steppers
     * halted and when the switch closed; the toolhead was at {@code target} at the trigger, and
     * each stepper ran (halt − trigger) steps past it before it stopped.
     */
    private void homeFromTrigger(List<HomingEndstop> endstops, double[] target, long[] startSent, long[] startMcu) {
        double[] actuatorMm = new double[3];
        for (int i = 0; i < 3; i++) actuatorMm[i] = kinematics.actuatorPosition(i, new Vec3(target[0], target[1], target[2]));
        java.util.Map<Rail, Long> halts = new java.util.HashMap<>();
        // Where each stepper stood at each trigger, by the runs sent (read before the reset forgets them).
        java.util.Map<Rail, Long> triggerSteps = new java.util.HashMap<>();
        // Every endstop is disarmed and its steppers reset and read before any failure is reported.
        String failure = null;
        for (HomingEndstop h : endstops) {
            live.trsyncs().disarm(h.trsyncOid());
            int reason = live.query("trsync_trigger oid=" + h.trsyncOid() + " reason=2",
                    m -> m.name().equals("trsync_state") && m.getInt("oid") == h.trsyncOid() && m.getLong("clock") == 0).getInt("trigger_reason");
            long next = -1;
            if (reason == 1) {
                next = live.query("endstop_query_state oid=" + h.endstopOid(),
                        m -> m.name().equals("endstop_state") && m.getInt("oid") == h.endstopOid()).getLong("next_clock");
                long triggerClock = live.extendClock(next) - h.restTicks();
                for (Rail r : h.stopped()) triggerSteps.put(r, r.channel.positionAt(triggerClock));
            }
            for (Rail r : h.stopped()) {
                r.channel.flushAll();
                releaseSteps(Long.MAX_VALUE);
                out.accept(new Outgoing(cmd.resetStepClock(r.oid, 0), 0, 0));
                r.channel.resetClock();
                long halt = live.query("stepper_get_position oid=" + r.oid,
                        m -> m.name().equals("stepper_position") && m.getInt("oid") == r.oid).getLong("pos");
                halts.put(r, halt);
            }
            if (reason != 1) {
                if (failure == null) {
                    failure = reason >= 4 ? "Communication timeout during homing " + h.name() : "No trigger on " + h.name() + " after full movement";
                }
                continue;
            }
            for (Rail r : h.stopped()) {
                int i = rails.indexOf(r);
                long trig = startMcu[i] + r.mcuSign * (triggerSteps.get(r) - startSent[i]);
                actuatorMm[i] += r.mcuSign * (halts.get(r) - trig) * r.settings.stepDistanceMm();
            }
        }
        Vec3 p = kinematics.toolhead(actuatorMm);
        setPosition(new double[] {p.x(), p.y(), p.z(), target[3]});
        // The stopped steppers' counters are what the MCU says, whatever the host generated.
        for (var e : halts.entrySet()) {
            Rail r = e.getKey();
            r.mcuOffsetSteps = e.getValue() - r.mcuSign * r.commandedSteps();
        }
        if (failure != null) {
            java.util.Arrays.fill(homed, false);
            throw new GcodeException(failure);
        }
    }
    /** Records planned moves and the step runs sent. */
    public void setTrace(TraceSink trace) {
        this.trace = trace;
    }

    private String stepperNameOf(int oid) {
        for (Rail r : allRails()) if (r.oid == oid) return r == extruder ? "extruder" : r.settings.name();
        return "oid" + oid;
    }

    /** Every stepper's name: the kinematic ones in config order, then the extruder. */
    public List<String> stepperNames() {
        return allRails().stream().map(r -> r == extruder ? "extruder" : r.settings.name()).toList();
    }

    private Rail railNamed(String name) {
        if (name.equals("extruder") && extruder != null) return extruder;
        return rails.stream().filter(r -> r.settings.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no stepper " + name));
    }

    public int stepperOid(String name) {
        return railNamed(name).oid;
    }

    /** The MCU reports {@code name}'s step counter at {@code position} now (a reconnect finds it anywhere). */
    public void syncMcuPosition(String name, long position) {
        Rail r = railNamed(name);
        r.mcuOffsetSteps = position - r.mcuSign * r.commandedSteps();
    }

    /** Where the host believes the MCU's step counter of {@code name} stands once every step sent has run. */
    public long mcuPositionOf(String name) {
        return railNamed(name).mcuPosition();
    }

    /** Steps generated per stepper so far (with direction), for reports. */
    public long stepsOf(String stepper) {
        return allRails().stream().filter(r -> r.settings.name().equals(stepper)).findFirst().orElseThrow().channel.committedSteps();
    }

    /** Moves queued so far. */
    public int movesPlanned() {
        return moves;
    }

    /** Steps sent by every stepper, whatever their direction. */
    public long totalSteps() {
        return allRails().stream().mapToLong(r -> r.channel.stepsSent()).sum();
    }

    public double printTimeS() {
        return printTimeS;
    }
}
