package org.steptrace.extract;

import java.util.List;
import java.util.Set;

/**
 * An entry as a family wrote it, before verification: the problem, the reasoning, the seven
 * sections (the Rust section holds the one fenced rust block, also kept as {@code rustCode}),
 * the answer, every number stated and the literal constants the text may use beyond the common
 * ones.
 */
public record Draft(String familyId, Category category, Finding finding, String problem, String reasoning, Sections sections,
                    Answer answer, List<Quantity> quantities, Set<Double> literals, String rustCode) {
    public Draft {
        quantities = List.copyOf(quantities);
        literals = Set.copyOf(literals);
    }

    public Quantity quantity(String name) {
        return quantities.stream().filter(q -> q.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no quantity " + name));
    }
}
