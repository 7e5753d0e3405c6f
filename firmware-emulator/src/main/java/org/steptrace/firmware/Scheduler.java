package org.steptrace.firmware;

import java.util.Arrays;

/**
 * The MCU's timers on one 64-bit tick clock: a binary heap keyed by wake tick (ties in the order
 * added, so runs are deterministic). Each timer's handler is short and returns when it next
 * wants to run. Nothing else lives here: pacing (virtual or real time) is the caller's.
 */
public final class Scheduler {
    /** Returned by {@link Timer#fire} when the timer does not want to run again. */
    public static final long DONE = Long.MIN_VALUE;

    /** Something that runs at a tick. */
    public abstract static class Timer {
        private long wakeTick;
        private long order;
        private int heapIndex = -1;

        /** Runs at the wake tick; returns the next wake tick, or {@link #DONE}. */
        protected abstract long fire(long nowTick);

        public final boolean isScheduled() {
            return heapIndex >= 0;
        }

        public final long wakeTick() {
            return wakeTick;
        }
    }

    private Timer[] heap = new Timer[16];
    private int size;
    private long nowTick;
    private long added;
    private long dispatched;

    public long nowTick() {
        return nowTick;
    }

    /** Wake tick of the earliest timer, or Long.MAX_VALUE when none is pending. */
    public long nextWakeTick() {
        return size == 0 ? Long.MAX_VALUE : heap[0].wakeTick;
    }

    /** Schedules (or reschedules) {@code t} at {@code wakeTick}. */
    public void add(Timer t, long wakeTick) {
        if (t.heapIndex >= 0) remove(t);
        t.wakeTick = wakeTick;
        t.order = added++;
        if (size == heap.length) heap = Arrays.copyOf(heap, size * 2);
        heap[size] = t;
        t.heapIndex = size;
        siftUp(size++);
    }

    public void cancel(Timer t) {
        if (t.heapIndex >= 0) remove(t);
    }

    /**
     * Runs every timer due at or before {@code tick}, in order, with the clock at each one's
     * wake tick; then sets the clock to {@code tick}.
     */
    public void runUntil(long tick) {
        while (size > 0 && heap[0].wakeTick <= tick) {
            Timer t = heap[0];
            removeAt(0);
            nowTick = Math.max(nowTick, t.wakeTick);
            dispatched++;
            long next = t.fire(nowTick);
            if (next != DONE && t.heapIndex < 0) add(t, next);
        }
        if (tick > nowTick) nowTick = tick;
    }

    /** Timer handler invocations so far. */
    public long dispatched() {
        return dispatched;
    }

    public void clear() {
        for (int i = 0; i < size; i++) heap[i].heapIndex = -1;
        Arrays.fill(heap, 0, size, null);
        size = 0;
    }

    private void remove(Timer t) {
        removeAt(t.heapIndex);
    }

    private void removeAt(int i) {
        Timer gone = heap[i];
        gone.heapIndex = -1;
        size--;
        if (i == size) {
            heap[size] = null;
            return;
        }
        Timer last = heap[size];
        heap[size] = null;
        heap[i] = last;
        last.heapIndex = i;
        if (!siftUp(i)) siftDown(i);
    }

    private static boolean before(Timer a, Timer b) {
        return a.wakeTick < b.wakeTick || (a.wakeTick == b.wakeTick && a.order < b.order);
    }

    private boolean siftUp(int i) {
        Timer t = heap[i];
        int start = i;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            Timer p = heap[parent];
            if (!before(t, p)) break;
            heap[i] = p;
            p.heapIndex = i;
            i = parent;
        }
        heap[i] = t;
        t.heapIndex = i;
        return i != start;
    }

    private void siftDown(int i) {
        Timer t = heap[i];
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            Timer c = heap[child];
            int right = child + 1;
            if (right < size && before(heap[right], c)) {
                child = right;
                c = heap[child];
            }
            if (!before(c, t)) break;
            heap[i] = c;
            c.heapIndex = i;
            i = child;
        }
        heap[i] = t;
        t.heapIndex = i;
    }
}
