package org.steptrace.bench;

import java.util.Locale;

/** One measured figure, printed as {@code name value unit}. */
public record BenchFigure(String name, double value, String unit) {
    public String format() {
        String v = Math.abs(value) >= 1000 || value == Math.rint(value)
                ? String.format(Locale.ROOT, "%.0f", value)
                : String.format(Locale.ROOT, "%.3f", value);
        return name + " " + v + " " + unit;
    }
}
