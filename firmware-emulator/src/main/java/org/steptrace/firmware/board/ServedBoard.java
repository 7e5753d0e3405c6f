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
    private final RealtimeRunner.Target target;
    private final RealtimeRunner runner;
    private final ByteLink link;
    private volatile boolean linkDropped;

    /**
     * @param faultLog told of each fault as it takes effect, with its emulated time in seconds
     */
    public ServedBoard(BoardDefinition definition, long seed, ByteLink link, boolean spin, McuTap tap,
                       BiConsumer<Fault, Double> faultLog) {
        this.link = link;
        this.target = new EmulatedBoard(definition, seed, tap, bytes -> {
            if (!linkDropped) link.write(bytes);
        }, (fault, atS) -> {
            if (fault.kind() == FaultKind.LINK_DROP) linkDropped = true;
            faultLog.accept(fault, atS);
        });
        this.runner = new RealtimeRunner(target, spin);
        link.onReceive(bytes -> {
            if (!linkDropped) runner.received(bytes);
        });
    }

    /** Any board (a GPIO board, say): {@code factory} makes it around the output its bytes go to. */
    public ServedBoard(java.util.function.Function<org.steptrace.protocol.McuTransport.Output, ? extends RealtimeRunner.Target> factory,
                       ByteLink link, boolean spin) {
        this.link = link;
        this.target = factory.apply(link::write);
        this.runner = new RealtimeRunner(target, spin);
        link.onReceive(runner::received);
    }

    public void start() {
        runner.start();
    }

    /** The emulated board (its plant), or null when the board is not emulated. */
    public EmulatedBoard board() {
        return target instanceof EmulatedBoard b ? b : null;
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
