package org.steptrace.host.mcu;

import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Holds commands until the MCU may take them, as a host's serial queue does. Each object (by
 * oid) has its own first-in-first-out queue whose head waits until the MCU clock (a
 * conservative estimate) reaches its {@code minClock}, holding back only that object's later
 * commands; ready heads of all queues go out lowest {@code reqClock} first. Nothing is sent
 * more than {@code 3<<29} ticks before it is needed, so a 32-bit clock in it can never be
 * mistaken for one in the past.
 */
public final class CommandQueue {
    static final long MAX_LEAD_TICKS = 3L << 29;
    /** The queue of commands that name no object. */
    private static final int NO_OID = -1;

    private record Entry(Outgoing outgoing, long order, int oid) {
        long mayClock() {
            return Math.max(outgoing.minClock(), outgoing.reqClock() - MAX_LEAD_TICKS);
        }
    }

    private final McuConnection connection;
    private final ClockSync sync;
    private final Map<Integer, ArrayDeque<Entry>> queues = new LinkedHashMap<>();
    private long order;
    private int pending;
    private double wakeAtS = Double.POSITIVE_INFINITY;

    public CommandQueue(McuConnection connection, ClockSync sync) {
        this.connection = connection;
        this.sync = sync;
    }

    public void add(Outgoing o) {
        int oid = o.message().has("oid") ? o.message().getInt("oid") : NO_OID;
        queues.computeIfAbsent(oid, k -> new ArrayDeque<>()).add(new Entry(o, order++, oid));
        pending++;
        release();
    }

    /** Sends every command whose time has come; arms a wake-up for the next one that must wait. */
    public void release() {
        double nowS = connection.nowS();
        long clockNow = (long) sync.transmitClockAt(nowS);
        while (true) {
            Entry best = null;
            long nextMay = Long.MAX_VALUE;
            for (ArrayDeque<Entry> q : queues.values()) {
                Entry head = q.peek();
                if (head == null) continue;
                if (head.mayClock() > clockNow) {
                    nextMay = Math.min(nextMay, head.mayClock());
                } else if (best == null || head.outgoing.reqClock() < best.outgoing.reqClock()
                        || (head.outgoing.reqClock() == best.outgoing.reqClock() && head.order < best.order)) {
                    best = head;
                }
            }
            if (best == null) {
                if (nextMay != Long.MAX_VALUE) armWake(nowS, nextMay);
                return;
            }
            queues.get(best.oid).poll();
            pending--;
            connection.send(best.outgoing.message());
        }
    }

    private void armWake(double nowS, long clock) {
        double at = Math.max(nowS + 1e-6, sync.timeAtTransmitClock(clock));
        if (at >= wakeAtS && wakeAtS > nowS) return;
        wakeAtS = at;
        connection.timers().at(at, () -> {
            if (wakeAtS == at) wakeAtS = Double.POSITIVE_INFINITY;
            release();
        });
    }

    /** Commands not yet sent. */
    public int pending() {
        return pending;
    }
}
