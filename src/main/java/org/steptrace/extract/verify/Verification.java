package org.steptrace.extract.verify;

import java.util.List;

/**
 * Every check's outcome for one entry. {@code problems} lists why it failed (empty when it passed);
 * {@code rust} is null until the Rust batch has run.
 */
public record Verification(List<NumberCheck.Result> numbers, RustCheck.Result rust, boolean structureOk, List<String> problems,
                           int promptTokens, int completionTokens) {
    public Verification {
        numbers = List.copyOf(numbers);
        problems = List.copyOf(problems);
    }

    public Verification withRust(RustCheck.Result r, boolean rustRequired) {
        List<String> p = new java.util.ArrayList<>(problems);
        if (rustRequired && !r.ok()) p.add("rust: " + (r.compiled() ? "tests failed" : "did not compile") + ": " + r.diagnostics());
        return new Verification(numbers, r, structureOk, p, promptTokens, completionTokens);
    }

    public boolean passed() {
        return problems.isEmpty();
    }
}
