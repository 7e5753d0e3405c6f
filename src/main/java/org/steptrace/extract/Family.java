package org.steptrace.extract;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.steptrace.extract.observations.TraceView;

/**
 * One kind of question over one kind of observation. A family finds its observations in a trace,
 * writes an entry from one, and, separately, recomputes every number such an entry states from
 * the trace's records with its own code (never by calling its writer), so the verifier can hold
 * the text to what was observed.
 */
public interface Family {
    /** A stable kebab-case name, e.g. "trapezoid-phase-durations". */
    String id();

    Category category();

    /** The observations this family can ask about in {@code trace} (empty when there are none). */
    List<Finding> find(TraceView trace);

    /** Writes an entry; every choice of phrasing comes from {@code rng}. */
    Draft write(TraceView trace, Finding finding, SplittableRandom rng);

    /**
     * Every quantity an entry from {@code ref} states, by name, recomputed from the records of
     * {@code trace} (the finding's observed values are not given: read them again).
     */
    Map<String, Double> recompute(TraceView trace, Finding ref);
}
