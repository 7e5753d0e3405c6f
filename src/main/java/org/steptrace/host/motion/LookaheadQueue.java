package org.steptrace.host.motion;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Holds moves until their junction speeds are known. A backward pass from an assumed stop after
 * the last move finds how fast each move may start; the minimum-cruise-ratio profile (a reduced
 * pseudo-acceleration) decides where acceleration peaks so each accelerate-decelerate pair keeps
 * a cruise part; a forward pass emits the trapezoids. Lazily, only the prefix that later moves
 * can no longer change is emitted.
 */
public final class LookaheadQueue {
    /** Lazy flushes wait until this much planned motion has accumulated. */
    static final double JUNCTION_FLUSH_S = 0.150;
    /** After a full flush the first lazy flush waits longer. */
    static final double BUFFER_TIME_HIGH_S = 1.0;

    private final List<Move> queue = new ArrayList<>();
    private final Consumer<Trapezoid> out;
    private final boolean lazy;
    private double junctionFlushS = BUFFER_TIME_HIGH_S;

    public LookaheadQueue(Consumer<Trapezoid> out) {
        this(out, true);
    }

    /** With {@code lazy} false, moves wait for {@link #flushAll} (a whole plan at once, for comparison). */
    LookaheadQueue(Consumer<Trapezoid> out, boolean lazy) {
        this.out = out;
        this.lazy = lazy;
    }

    public void add(Move move) {
        boolean wasEmpty = queue.isEmpty();
        if (!wasEmpty) move.calcJunction(queue.get(queue.size() - 1));
        queue.add(move);
        if (wasEmpty) return;
        junctionFlushS -= move.minMoveT;
        if (lazy && junctionFlushS <= 0) flush(true);
    }

    /** Plans everything to a stop (dwell, M400, homing, end of input). */
    public void flushAll() {
        flush(false);
        junctionFlushS = BUFFER_TIME_HIGH_S;
    }

    public boolean isEmpty() {
        return queue.isEmpty();
    }

    /** The last queued move, or null (callers may lower its next_junction_v2). */
    public Move last() {
        return queue.isEmpty() ? null : queue.get(queue.size() - 1);
    }

    private record Planned(Move move, double startV2, Double cruiseV2, double endV2) {}

    private void flush(boolean lazy) {
        junctionFlushS = JUNCTION_FLUSH_S;
        int n = queue.size();
        if (n == 0) return;
        Planned[] planned = new Planned[n];
        int flushCount = n;
        boolean updateFlushCount = lazy;
        double nextStartV2 = 0;
        double nextMcrStartV2 = 0;
        double peakCruiseV2 = 0;
        int pending = 0;
        for (int i = n - 1; i >= 0; i--) {
            Move m = queue.get(i);
            double reachable = nextStartV2 + m.deltaV2;
            double startV2 = Math.min(m.maxStartV2, reachable);
            Double cruiseV2 = null;
            pending++;
            double reachMcr = nextMcrStartV2 + m.mcrDeltaV2;
            double mcrStart = Math.min(m.maxMcrStartV2, reachMcr);
            if (mcrStart < reachMcr) {
                if (mcrStart + m.mcrDeltaV2 > nextMcrStartV2 || pending > 1) {
                    if (updateFlushCount && peakCruiseV2 != 0) {
                        flushCount = i + pending;
                        updateFlushCount = false;
                    }
                    peakCruiseV2 = (mcrStart + reachMcr) / 2;
                }
                cruiseV2 = Math.min(Math.min((startV2 + reachable) / 2, m.maxCruiseV2), peakCruiseV2);
                pending = 0;
            }
            planned[i] = new Planned(m, startV2, cruiseV2, nextStartV2);
            nextStartV2 = startV2;
            nextMcrStartV2 = mcrStart;
        }
        if (updateFlushCount || flushCount == 0) return;
        double prevCruiseV2 = 0;
        for (int i = 0; i < flushCount; i++) {
            Planned p = planned[i];
            double cruiseV2 = p.cruiseV2() != null ? p.cruiseV2() : Math.min(prevCruiseV2, p.startV2());
            out.accept(p.move().trapezoid(Math.min(p.startV2(), cruiseV2), cruiseV2, Math.min(p.endV2(), cruiseV2)));
            p.move().laid();
            prevCruiseV2 = cruiseV2;
        }
        queue.subList(0, flushCount).clear();
    }
}
