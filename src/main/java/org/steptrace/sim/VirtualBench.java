package org.steptrace.sim;

import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.steptrace.firmware.Mcu;
import org.steptrace.firmware.McuSpec;
import org.steptrace.firmware.McuTap;
import org.steptrace.firmware.RealtimeRunner;
import org.steptrace.firmware.board.BoardDefinition;
import org.steptrace.firmware.board.EmulatedBoard;
import org.steptrace.firmware.faults.FaultKind;
import org.steptrace.firmware.plant.BoardPlant;
import org.steptrace.host.mcu.McuConnection;
import org.steptrace.link.VirtualWire;
import org.steptrace.protocol.HostTransport;
import org.steptrace.protocol.McuTransport;

/**
 * A host and an emulated board in one process on one virtual clock, joined by serial wires that
 * take each byte's wire time at the board's baud. Time jumps from event to event (a byte
 * arriving, an MCU timer, a retransmit or retry), so runs go as fast as the CPU allows and
 * repeat exactly for a seed.
 */
public final class VirtualBench implements McuConnection.Driver {
    private final McuSpec spec;
    private final VirtualWire toMcu;
    private final VirtualWire toHost;
    private final RealtimeRunner.Target target;
    private final McuConnection connection;
    private double nowS;
    /** After a link-drop fault nothing crosses the wires any more, either way. */
    private boolean linkDropped;
    /** A host-stall fault: until then the host does nothing at all (bytes for it wait on the wire). */
    private double hostStalledUntilS = Double.NEGATIVE_INFINITY;
    private double emulatedLimitS = Double.POSITIVE_INFINITY;
    private long events;
    private long eventBudget = Long.MAX_VALUE;
    static final double HOST_STALL_S = 10.0;

    /** A built-in or file board, emulated with its plant. */
    public VirtualBench(BoardDefinition definition, long seed, McuTap tap, BoardPlant.FaultListener faults) {
        this(definition, seed, tap, faults, VirtualWire.Impairment.NONE);
    }

    /** As above, over wires that damage bytes as {@code impairment} says (seeded from {@code seed}). */
    public VirtualBench(BoardDefinition definition, long seed, McuTap tap, BoardPlant.FaultListener faults,
                        VirtualWire.Impairment impairment) {
        this(definition.mcu(), new BoardFactory(definition, seed, tap, faults), impairment, seed);
    }

    /** Makes the board, and cuts the wires when a link-drop fault takes effect. */
    private static final class BoardFactory implements Function<McuTransport.Output, EmulatedBoard> {
        private final BoardDefinition definition;
        private final long seed;
        private final McuTap tap;
        private final BoardPlant.FaultListener faults;
        VirtualBench bench;

        BoardFactory(BoardDefinition definition, long seed, McuTap tap, BoardPlant.FaultListener faults) {
            this.definition = definition;
            this.seed = seed;
            this.tap = tap;
            this.faults = faults;
        }

        @Override
        public EmulatedBoard apply(McuTransport.Output out) {
            return new EmulatedBoard(definition, seed, tap, out, (fault, atS) -> {
                if (fault.kind() == FaultKind.LINK_DROP) bench.linkDropped = true;
                if (fault.kind() == FaultKind.HOST_STALL) bench.hostStalledUntilS = atS + HOST_STALL_S;
                faults.faultApplied(fault, atS);
            });
        }
    }

    /** Any MCU of {@code spec}: {@code factory} makes it around the output its bytes go to. */
    public VirtualBench(McuSpec spec, Function<McuTransport.Output, ? extends RealtimeRunner.Target> factory) {
        this(spec, factory, VirtualWire.Impairment.NONE, 0);
    }

    private VirtualBench(McuSpec spec, Function<McuTransport.Output, ? extends RealtimeRunner.Target> factory,
                         VirtualWire.Impairment impairment, long seed) {
        this.spec = spec;
        if (factory instanceof BoardFactory b) b.bench = this;
        long baud = spec.serialBaud();
        // Each direction its own stream of damage, both from the run's seed.
        this.toMcu = new VirtualWire(baud, impairment, seed * 31 + 1);
        this.toHost = new VirtualWire(baud, impairment, seed * 31 + 2);
        this.target = factory.apply(bytes -> toHost.write(bytes, spec.seconds(mcu().nowTick())));
        HostTransport transport = new HostTransport(bytes -> toMcu.write(bytes, nowS), baud, spec.receiveWindowBytes());
        this.connection = new McuConnection(transport, this);
    }

    public McuConnection connection() {
        return connection;
    }

    /** The emulated MCU and what stands behind its pins. */
    public RealtimeRunner.Target target() {
        return target;
    }

    public Mcu mcu() {
        return target.mcu();
    }

    @Override
    public double nowS() {
        return nowS;
    }

    /**
     * Ends the session (as a failure) once emulated time passes {@code limitS}: a scenario whose
     * host can never finish must not run forever.
     */
    public void limitEmulatedTime(double limitS) {
        this.emulatedLimitS = limitS;
    }

    /** Ends the session (as a failure) after {@code events} steps of the event loop. */
    public void limitEvents(long events) {
        this.eventBudget = events;
    }

    @Override
    public void runUntil(BooleanSupplier done, double limitS) {
        while (true) {
            if (nowS > emulatedLimitS) {
                throw new McuConnection.McuSessionException(String.format(java.util.Locale.ROOT,
                        "emulated time limit of %.0f s reached", emulatedLimitS));
            }
            processNow();
            if (done.getAsBoolean() || nowS >= limitS) return;
            advance(limitS);
        }
    }

    /** Lets {@code seconds} pass. */
    public void runFor(double seconds) {
        runUntil(nowS + seconds);
    }

    /** Lets time pass up to {@code tS}. */
    public void runUntil(double tS) {
        runUntil(() -> false, tS);
    }

    private boolean hostStalled() {
        return nowS < hostStalledUntilS;
    }

    private void processNow() {
        if (!hostStalled()) connection.service(nowS);
        byte[] in = toMcu.read(nowS);
        if (in.length > 0 && !linkDropped) {
            mcu().advanceTo(Math.max(mcu().nowTick(), spec.ticks(nowS)));
            mcu().receive(in, 0, in.length);
        }
        if (hostStalled()) return;
        byte[] back = toHost.read(nowS);
        if (back.length > 0 && !linkDropped) connection.receive(back, nowS);
    }

    private void advance(double limitS) {
        double next = hostStalled() ? Math.min(toMcu.nextArrivalS(), hostStalledUntilS)
                : Math.min(Math.min(toMcu.nextArrivalS(), toHost.nextArrivalS()), connection.nextDeadlineS());
        long wake = mcu().nextWakeTick();
        if (wake != Long.MAX_VALUE) next = Math.min(next, spec.seconds(wake));
        // A livelock (events falling due again and again with time crawling) ends the session instead of running forever.
        if (++events > eventBudget) {
            throw new McuConnection.McuSessionException(String.format(java.util.Locale.ROOT,
                    "emulation used its budget of %d events by %.6f s of emulated time", eventBudget, nowS));
        }
        next = Math.min(Math.max(next, nowS + 1e-7), limitS);
        mcu().advanceTo(Math.max(mcu().nowTick(), spec.ticks(next)));
        target.advanceTo(next);
        nowS = next;
    }
}
