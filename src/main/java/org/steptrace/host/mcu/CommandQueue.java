package org.steptrace.host.mcu;

import java.util.ArrayDeque;

/**
 * Holds commands until the MCU may take them, as a host's serial queue does: in order, each
 * waiting until the MCU clock (a conservative estimate) reaches its {@code minClock}, which
 * also holds back everything behind it. Nothing is sent more than {@code 3<<29} ticks before
 * it is needed, so a 32-bit clock in it can never be mistaken for one in the past.
 */
public final class CommandQueue {
    static final long MAX_LEAD_TICKS = 3L << 29;

    private final McuConnection connection;
    private final ClockSync sync;
    private final ArrayDeque<Outgoing> waiting = new ArrayDeque<>();
    private boolean wakeArmed;
    private long sent;

    public CommandQueue(McuConnection connection, ClockSync sync) {
        this.connection = connection;
        this.sync = sync;
    }

    public void add(Outgoing o) {
        waiting.add(o);
        release();
    }

    /** Sends every command at the head whose time has come; arms a wake-up for the next one. */
    public void release() {
        double nowS = connection.nowS();
        long clockNow = (long) sync.transmitClockAt(nowS);
        while (!waiting.isEmpty()) {
            Outgoing head = waiting.peek();
            long may = Math.max(head.minClock(), head.reqClock() - MAX_LEAD_TICKS);
            if (may > clockNow) {
                if (!wakeArmed) {
                    wakeArmed = true;
                    connection.timers().at(Math.max(nowS + 1e-6, sync.timeAtTransmitClock(may)), () -> {
                        wakeArmed = false;
                        release();
                    });
                }
                return;
            }
            waiting.poll();
            connection.send(head.message());
            sent++;
        }
    }

    /** Commands not yet sent. */
    public int pending() {
        return waiting.size();
    }

    public long sent() {
        return sent;
    }
}
