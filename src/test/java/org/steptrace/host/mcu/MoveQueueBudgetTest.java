package org.steptrace.host.mcu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

class MoveQueueBudgetTest {
    /**
     * The MCU holds a message from its arrival (sent at its min clock, the earliest allowed) until it
     * starts; at no clock may more messages be held than there are slots.
     */
    @Property(tries = 200)
    void theMcuNeverHoldsMoreMessagesThanSlots(@ForAll @IntRange(min = 1, max = 50) int slots,
                                              @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        MoveQueueBudget budget = new MoveQueueBudget(slots);
        List<long[]> held = new ArrayList<>(); // {arrival, start}
        long start = 1000;
        for (int i = 0; i < 2000; i++) {
            start += r.nextInt(5) == 0 ? r.nextLong(0, 100_000) : r.nextLong(0, 50);
            long sendAt = budget.reserve(start);
            assertTrue(sendAt <= start, "a message can always be sent before it starts");
            held.add(new long[] {sendAt, start});
        }
        // Sweep: +1 at arrival, -1 at start; ties start first (a slot frees as the move loads).
        List<long[]> events = new ArrayList<>();
        for (long[] h : held) {
            events.add(new long[] {h[0], 1});
            events.add(new long[] {h[1], -1});
        }
        events.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        int n = 0;
        for (long[] e : events) {
            n += (int) e[1];
            assertTrue(n <= slots, "held " + n + " with " + slots + " slots");
        }
        assertEquals(0, n);
    }
}
