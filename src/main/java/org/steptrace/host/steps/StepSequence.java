package org.steptrace.host.steps;

/**
 * One {@code queue_step}: {@code count} steps, the first {@code interval} ticks after the
 * previous step, each gap {@code add} ticks longer than the one before. Intervals are unsigned
 * 32-bit values held in a long.
 */
public record StepSequence(long interval, int count, int add) {
    /** Ticks from the previous step to the last step of this sequence. */
    public long span() {
        return interval * count + (long) add * count * (count - 1) / 2;
    }

    /** Ticks from the previous step to step {@code k} (1-based). */
    public long offsetOf(int k) {
        return interval * k + (long) add * k * (k - 1) / 2;
    }
}
