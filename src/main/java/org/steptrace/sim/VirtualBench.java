package org.steptrace.sim;

import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.steptrace.firmware.Mcu;
import org.steptrace.firmware.McuSpec;
import org.steptrace.firmware.McuTap;
import org.steptrace.firmware.RealtimeRunner;
import org.steptrace.firmware.board.BoardDefinition;
import org.steptrace.firmware.board.EmulatedBoard;
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

    /** A built-in or file board, emulated with its plant. */
    public VirtualBench(BoardDefinition definition, long seed, McuTap tap, BoardPlant.FaultListener faults) {
        this(definition.mcu(), out -> new EmulatedBoard(definition, seed, tap, out, faults));
    }

    /** Any MCU of {@code spec}: {@code factory} makes it around the output its bytes go to. */
    public VirtualBench(McuSpec spec, Function<McuTransport.Output, ? extends RealtimeRunner.Target> factory) {
        this.spec = spec;
        long baud = spec.serialBaud();
        this.toMcu = new VirtualWire(baud);
        this.toHost = new VirtualWire(baud);
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

    @Override
    public void runUntil(BooleanSupplier done, double limitS) {
        while (true) {
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

    private void processNow() {
        connection.service(nowS);
        byte[] in = toMcu.read(nowS);
        if (in.length > 0) {
            mcu().advanceTo(Math.max(mcu().nowTick(), spec.ticks(nowS)));
            mcu().receive(in, 0, in.length);
        }
        byte[] back = toHost.read(nowS);
        if (back.length > 0) connection.receive(back, nowS);
    }

    private void advance(double limitS) {
        double next = Math.min(Math.min(toMcu.nextArrivalS(), toHost.nextArrivalS()), connection.nextDeadlineS());
        long wake = mcu().nextWakeTick();
        if (wake != Long.MAX_VALUE) next = Math.min(next, spec.seconds(wake));
        next = Math.min(Math.max(next, nowS + 1e-7), limitS);
        mcu().advanceTo(Math.max(mcu().nowTick(), spec.ticks(next)));
        target.advanceTo(next);
        nowS = next;
    }
}
