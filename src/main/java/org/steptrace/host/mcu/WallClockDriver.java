package org.steptrace.host.mcu;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.steptrace.link.StreamLink;
import org.steptrace.protocol.HostTransport;

/**
 * Runs an MCU session on the wall clock over a real link: bytes arrive on the link's reader
 * thread and are handed over through a queue, so the session itself stays on one thread; the
 * thread sleeps until bytes arrive or the session's next timed work is due.
 */
public final class WallClockDriver implements McuConnection.Driver {
    /** Bytes with the time the reader thread got them (round trips are measured from that). */
    private record Received(byte[] bytes, double atS) {}

    private static final Received WAKE = new Received(new byte[0], 0);

    private final long startNanos = System.nanoTime();
    private final LinkedBlockingQueue<Received> inbox = new LinkedBlockingQueue<>();
    private volatile String linkClosed;
    private McuConnection connection;

    private WallClockDriver() {}

    /**
     * A session over {@code link} (started here); {@code baud} for wire-time estimates, 0 for
     * USB and TCP where there is no UART in between.
     */
    public static McuConnection connect(StreamLink link, long baud) {
        WallClockDriver d = new WallClockDriver();
        d.connection = new McuConnection(new HostTransport(link::write, baud, 0), d);
        link.onReceive(bytes -> d.inbox.add(new Received(bytes, d.nowS())));
        link.onClosed(reason -> {
            d.linkClosed = reason;
            d.inbox.add(WAKE);
        });
        link.start();
        return d.connection;
    }

    @Override
    public double nowS() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private void deliver(Received r) {
        if (r.bytes().length > 0) connection.receive(r.bytes(), r.atS());
    }

    @Override
    public void runUntil(BooleanSupplier done, double limitS) {
        try {
            while (true) {
                double now = nowS();
                connection.service(now);
                for (Received r = inbox.poll(); r != null; r = inbox.poll()) deliver(r);
                if (linkClosed != null) connection.fail("Lost communication with MCU: " + linkClosed);
                if (done.getAsBoolean() || nowS() >= limitS) return;
                double waitS = Math.min(limitS, connection.nextDeadlineS()) - nowS();
                if (waitS <= 0) continue;
                Received r = inbox.poll((long) (Math.min(waitS, 0.5) * 1e9), TimeUnit.NANOSECONDS);
                if (r != null) deliver(r);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            connection.fail("interrupted");
        }
    }
}
