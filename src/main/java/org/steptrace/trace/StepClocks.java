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

    /** A sink that adds every step's clock to step batch records on their way to {@code next}. */
    public static TraceSink expanding(TraceSink next) {
        return r -> {
            if (r instanceof TraceRecord.StepBatch b && b.stepClocks() == null) {
                long[] clocks = new long[b.count()];
                int[] i = {0};
                forEach(b, c -> clocks[i[0]++] = c);
                r = new TraceRecord.StepBatch(b.stepper(), b.oid(), b.firstClock(), b.lastClock(), b.interval(), b.count(), b.add(), b.dir(), clocks);
            }
            next.record(r);
        };
    }
}
