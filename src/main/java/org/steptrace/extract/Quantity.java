package org.steptrace.extract;

/**
 * A number an entry states: its name, the value the writer computed, its unit, the exact text
 * it is printed as, and the relative tolerance the verifier allows between that text and its own
 * recomputation (on top of the printed rounding).
 */
public record Quantity(String name, double value, String unit, String text, double relTol) {}
