package org.steptrace.bench;

import java.util.function.LongSupplier;

/** Repeats a unit of work for a wall-clock budget after a warm-up and reports its rate. */
public final class Stopwatch {
    private Stopwatch() {}

    /** A rate: units of work done and the seconds they took. */
    public record Rate(double units, double seconds) {
        public double perSecond() {
            return units / seconds;
        }
    }

    /**
     * Runs {@code work} (which returns how many units it did) repeatedly for about
     * {@code seconds} after running it for {@code seconds / 2} to warm the JIT.
     */
    public static Rate measure(double seconds, LongSupplier work) {
        run(seconds / 2, work);
        return run(seconds, work);
    }

    private static Rate run(double seconds, LongSupplier work) {
        long budget = (long) (seconds * 1e9);
        long start = System.nanoTime();
        long units = 0;
        long elapsed;
        do {
            units += work.getAsLong();
            elapsed = System.nanoTime() - start;
        } while (elapsed < budget);
        return new Rate(units, elapsed / 1e9);
    }
}
