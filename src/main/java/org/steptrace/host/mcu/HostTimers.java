package org.steptrace.host.mcu;

import java.util.PriorityQueue;

/**
 * The host's own timed work (clock polls, command release, step flushes, heater checks) on the
 * driver's clock: each task runs once when its time comes and may schedule more. Tasks never
 * block; they only queue work, so the driver stays the one place where time passes.
 */
public final class HostTimers {
    private record Entry(double atS, long order, Runnable task) {}

    private final PriorityQueue<Entry> entries = new PriorityQueue<>(
            (a, b) -> a.atS != b.atS ? Double.compare(a.atS, b.atS) : Long.compare(a.order, b.order));
    private long order;
    /** The time runDue was called with: when the running task runs. */
    private double nowS;

    /** Runs {@code task} once the time reaches {@code atS}. */
    public void at(double atS, Runnable task) {
        entries.add(new Entry(atS, order++, task));
    }

    /**
     * Runs {@code task} every {@code periodS}, the first time at {@code firstS}. Runs missed
     * while the host was held up are skipped, not made up in a burst.
     */
    public void every(double firstS, double periodS, Runnable task) {
        at(firstS, new Runnable() {
            private double next = firstS;

            @Override
            public void run() {
                task.run();
                next += periodS;
                if (next <= nowS) next = nowS + periodS;
                at(next, this);
            }
        });
    }

    /** The earliest pending task's time, or +infinity. */
    public double nextS() {
        Entry e = entries.peek();
        return e == null ? Double.POSITIVE_INFINITY : e.atS;
    }

    /** Runs every task due by {@code nowS}, earliest first (including tasks they add that are due). */
    public void runDue(double nowS) {
        this.nowS = nowS;
        while (!entries.isEmpty() && entries.peek().atS <= nowS) {
            entries.poll().task.run();
        }
    }
}
