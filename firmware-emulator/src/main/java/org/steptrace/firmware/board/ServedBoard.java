package org.steptrace.firmware.board;

import java.util.function.BiConsumer;
import org.steptrace.firmware.McuTap;
import org.steptrace.firmware.RealtimeRunner;
import org.steptrace.firmware.faults.Fault;
import org.steptrace.firmware.faults.FaultKind;
import org.steptrace.link.ByteLink;

/**
 * An emulated board served to a live host over a link, in real time. A link-drop fault cuts
 * the link both ways from its moment on; every fault is reported when it takes effect.
 */
public final class ServedBoard implements AutoCloseable {
    private final EmulatedBoard board;
    private final RealtimeRunner runner;
    private final ByteLink link;
    private volatile boolean linkDropped;

    /**
     * @param faultLog told of each fault as it takes effect, with its emulated time in seconds
     */
    public ServedBoard(BoardDefinition definition, long seed, ByteLink link, boolean spin, McuTap tap,
                       BiConsumer<Fault, Double> faultLog) {
        this.link = link;
        this.board = new EmulatedBoard(definition, seed, tap, bytes -> {
            if (!linkDropped) link.write(bytes);
        }, (fault, atS) -> {
            if (fault.kind() == FaultKind.LINK_DROP) linkDropped = true;
            faultLog.accept(fault, atS);
        });
        this.runner = new RealtimeRunner(board, spin);
        link.onReceive(bytes -> {
            if (!linkDropped) runner.received(bytes);
        });
    }

    public void start() {
        runner.start();
    }

    public EmulatedBoard board() {
        return board;
    }

    public RealtimeRunner runner() {
        return runner;
    }

    public ByteLink link() {
        return link;
    }

    @Override
    public void close() {
        runner.close();
        link.close();
    }
}
