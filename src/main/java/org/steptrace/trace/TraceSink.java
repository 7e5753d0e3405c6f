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
}
