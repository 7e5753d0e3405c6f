package org.steptrace.host.mcu;

import java.util.PriorityQueue;

/**
 * Keeps queued steps and output events within the MCU's move queue so that "Move queue
 * overflow" cannot happen: each message that takes a slot takes the slot freed earliest and may
 * not be sent before that slot is free; the slot is busy again until the message starts
 * executing. Messages must be offered in the order of their start clocks.
 */
public final class MoveQueueBudget {
    private final PriorityQueue<Long> slotFreeClocks = new PriorityQueue<>();
    private long lastStartClock = Long.MIN_VALUE;

    public MoveQueueBudget(int slots) {
        if (slots <= 0) throw new IllegalArgumentException("Too few moves available on MCU (" + slots + ")");
        for (int i = 0; i < slots; i++) slotFreeClocks.add(0L);
    }

    /**
     * Takes a slot for a message that starts executing at {@code startClock}; returns the
     * earliest MCU clock at which it may be sent.
     */
    public long reserve(long startClock) {
        if (startClock < lastStartClock) {
            throw new IllegalArgumentException("messages out of order: " + startClock + " after " + lastStartClock);
        }
        lastStartClock = startClock;
        long minClock = slotFreeClocks.poll();
        slotFreeClocks.add(startClock);
        return minClock;
    }

    /** The earliest clock any slot frees: when a slot-less message may go (it must not overtake). */
    public long earliestFreeClock() {
        return slotFreeClocks.peek();
    }
}
