package org.steptrace.extract;

import java.util.List;

/**
 * The graded answer: one or a few of the entry's quantities (by name), their unit and the
 * tolerance a grader should allow (absolute, in that unit).
 */
public record Answer(List<String> quantities, String unit, double tolerance) {
    public Answer {
        quantities = List.copyOf(quantities);
        if (quantities.isEmpty()) throw new IllegalArgumentException("an answer needs a quantity");
    }
}
