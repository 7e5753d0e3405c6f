package org.steptrace.extract;

import java.util.Map;
import java.util.TreeMap;
import org.steptrace.extract.observations.RecordRange;

/**
 * One observation a family found in a trace: the records it came from, labels naming what was
 * observed (which stepper, which heater, which variant of question), {@code params} chosen for the
 * question rather than read from the trace (a tolerance, a hypothetical stall), and the
 * {@code observed} values read from the records. The verifier gets only {@link #ref()}: it must
 * read the observed values again itself.
 */
public record Finding(RecordRange records, Map<String, String> labels, Map<String, Double> params, Map<String, Double> observed) {
    public Finding {
        labels = Map.copyOf(labels);
        params = Map.copyOf(params);
        observed = Map.copyOf(observed);
    }

    /** What the verifier may know: where to look and what was asked, not what was seen. */
    public Finding ref() {
        return new Finding(records, labels, params, Map.of());
    }

    public String label(String name) {
        String v = labels.get(name);
        if (v == null) throw new IllegalStateException("finding has no label " + name + " (has " + new TreeMap<>(labels).keySet() + ")");
        return v;
    }

    public double param(String name) {
        Double v = params.get(name);
        if (v == null) throw new IllegalStateException("finding has no param " + name);
        return v;
    }

    public double observed(String name) {
        Double v = observed.get(name);
        if (v == null) throw new IllegalStateException("finding has no observed value " + name);
        return v;
    }
}
