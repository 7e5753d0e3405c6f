package org.steptrace.trace;

import java.util.function.LongConsumer;

/** The step clocks a queue_step record stands for: previous + k·interval + add·k(k−1)/2, k = 1..count. */
public final class StepClocks {
    private StepClocks() {}

    public static void forEach(TraceRecord.StepBatch b, LongConsumer each) {
        long clock = b.firstClock() - b.interval();
        long gap = b.interval();
        for (int k = 0; k < b.count(); k++) {
            clock += gap;
            each.accept(clock);
            gap += b.add();
        }
    }
}
