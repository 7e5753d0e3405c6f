package org.steptrace.extract;

import java.util.List;

/** The seven sections of a solution, in the brief's order. */
public record Sections(String problem, String context, String analysis, String rust, String safety, String edgeCases,
                       String alternatives) {
    /** The headings, in order, as the solution prints them. */
    public static final List<String> TITLES = List.of("Control System Problem", "Physical Context & Constraints",
            "Mathematical Analysis", "Rust Implementation Strategy", "Safety Verification", "Edge Case Analysis",
            "Alternative Approaches & Trade-offs");
    /** The keys of the record's {@code sections} object, in the same order. */
    public static final List<String> KEYS = List.of("control_system_problem", "physical_context_and_constraints",
            "mathematical_analysis", "rust_implementation_strategy", "safety_verification", "edge_case_analysis",
            "alternative_approaches_and_trade_offs");

    public List<String> inOrder() {
        return List.of(problem, context, analysis, rust, safety, edgeCases, alternatives);
    }
}
