package org.steptrace.trace;

/** Where recorded behaviour goes; the default drops it. */
@FunctionalInterface
public interface TraceSink {
    TraceSink NONE = r -> {};

    void record(TraceRecord record);

    /** Whether anything is listening: producers skip the work of building records when not. */
    default boolean enabled() {
        return this != NONE;
    }

    /** Both sinks, in order. */
    static TraceSink tee(TraceSink a, TraceSink b) {
        if (!a.enabled()) return b;
        if (!b.enabled()) return a;
        return r -> {
            a.record(r);
            b.record(r);
        };
    }
}
