package org.steptrace.host.mcu;

import java.util.PriorityQueue;

/**
 * Keeps queued steps and output events within the MCU's move queue so that "Move queue
 * overflow" cannot happen: each message that takes a slot takes the slot freed earliest and may
 * not be sent before that slot is free; the slot is busy again until the message starts
 * executing. Messages come in the order of their start clocks, except that a stepper's run held
 * back by the step filter may start (load) earlier than runs already placed: it loads as soon as
 * it arrives, so its slot is free again at once.
 */
public final class MoveQueueBudget {
    private final PriorityQueue<Long> slotFreeClocks = new PriorityQueue<>();

    public MoveQueueBudget(int slots) {
        if (slots <= 0) throw new IllegalArgumentException("Too few moves available on MCU (" + slots + ")");
        for (int i = 0; i < slots; i++) slotFreeClocks.add(0L);
    }

    /**
     * Takes a slot for a message that starts executing at {@code startClock}; returns the
     * earliest MCU clock at which it may be sent.
     */
    public long reserve(long startClock) {
        long minClock = slotFreeClocks.poll();
        slotFreeClocks.add(Math.max(startClock, minClock));
        return minClock;
    }

    /** The earliest clock any slot frees: when a slot-less message may go (it must not overtake). */
    public long earliestFreeClock() {
        return slotFreeClocks.peek();
    }
}
