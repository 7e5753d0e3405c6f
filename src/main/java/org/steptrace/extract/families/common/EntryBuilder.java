package org.steptrace.extract.families.common;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.steptrace.extract.Answer;
import org.steptrace.extract.Category;
import org.steptrace.extract.Draft;
import org.steptrace.extract.Family;
import org.steptrace.extract.Finding;
import org.steptrace.extract.Quantity;
import org.steptrace.extract.Sections;

/**
 * What a family writes an entry with. Every number goes through {@link #q} (or {@link #sig}), which
 * records it as a named quantity the verifier will recompute, and returns its printed text;
 * phrasing choices come from {@link #pick}, drawn from the entry's own seeded generator.
 */
public final class EntryBuilder {
    private final Family family;
    private final Finding finding;
    private final SplittableRandom rng;
    private final Map<String, Quantity> quantities = new LinkedHashMap<>();
    private final Set<Double> literals = new HashSet<>();
    private String problem;
    private final StringBuilder reasoning = new StringBuilder();
    private final String[] sections = new String[7];
    private String rust;
    private Answer answer;

    public EntryBuilder(Family family, Finding finding, SplittableRandom rng) {
        this.family = family;
        this.finding = finding;
        this.rng = rng;
    }

    /** Records quantity {@code name} with {@code decimals} places and returns its text (the same name twice must agree). */
    public String q(String name, double value, int decimals, String unit) {
        return put(name, value, unit, fixed(value, decimals), 1e-6);
    }

    /** As {@link #q}, where the verifier's independent path may differ by up to {@code relTol} (a fit, a simulation). */
    public String q(String name, double value, int decimals, String unit, double relTol) {
        return put(name, value, unit, fixed(value, decimals), relTol);
    }

    /** Records {@code name} with {@code digits} significant digits (plain or scientific as fits). */
    public String sig(String name, double value, int digits, String unit) {
        return put(name, value, unit, significant(value, digits), 1e-6);
    }

    public String sig(String name, double value, int digits, String unit, double relTol) {
        return put(name, value, unit, significant(value, digits), relTol);
    }

    /** An integer count (steps, bytes, samples). */
    public String count(String name, long value, String unit) {
        return put(name, value, unit, Long.toString(value), 0);
    }

    /**
     * A whole number: plain text when it is a small count any text may use (0..20, which the number
     * check accepts as such), else a checked {@link #count}. Negative values are always checked.
     */
    public String wholeNumber(String name, long value, String unit) {
        return value >= 0 && value <= 20 ? Long.toString(value) : count(name, value, unit);
    }

    /** The text of a quantity already recorded. */
    public String text(String name) {
        Quantity q = quantities.get(name);
        if (q == null) throw new IllegalArgumentException("no quantity " + name);
        return q.text();
    }

    /** A constant the text uses that is neither common nor observed (a standard's coefficient, say). */
    public EntryBuilder literal(double... values) {
        for (double v : values) literals.add(v);
        return this;
    }

    public String pick(String... variants) {
        return variants[rng.nextInt(variants.length)];
    }

    public int pickIndex(int n) {
        return rng.nextInt(n);
    }

    public SplittableRandom rng() {
        return rng;
    }

    public EntryBuilder problem(String text) {
        this.problem = text;
        return this;
    }

    /** Appends a paragraph of reasoning (the think block). */
    public EntryBuilder think(String paragraph) {
        if (reasoning.length() > 0) reasoning.append("\n\n");
        reasoning.append(paragraph.strip());
        return this;
    }

    public EntryBuilder controlProblem(String text) {
        sections[0] = text;
        return this;
    }

    public EntryBuilder context(String text) {
        sections[1] = text;
        return this;
    }

    public EntryBuilder analysis(String text) {
        sections[2] = text;
        return this;
    }

    /** The Rust section: {@code before} prose, the crate in one fenced block, {@code after} prose. */
    public EntryBuilder rust(String before, String code, String after) {
        this.rust = code.strip() + "\n";
        sections[3] = before.strip() + "\n\n```rust\n" + rust + "```\n\n" + after.strip();
        return this;
    }

    public EntryBuilder safety(String text) {
        sections[4] = text;
        return this;
    }

    public EntryBuilder edgeCases(String text) {
        sections[5] = text;
        return this;
    }

    public EntryBuilder alternatives(String text) {
        sections[6] = text;
        return this;
    }

    public EntryBuilder answer(String unit, double tolerance, String... quantityNames) {
        this.answer = new Answer(List.of(quantityNames), unit, tolerance);
        return this;
    }

    public Draft build() {
        for (int i = 0; i < 7; i++) {
            if (sections[i] == null) throw new IllegalStateException(family.id() + ": section " + Sections.TITLES.get(i) + " not written");
        }
        if (problem == null || answer == null || rust == null) throw new IllegalStateException(family.id() + ": problem, answer or rust missing");
        return new Draft(family.id(), family.category(), finding, problem.strip(), reasoning.toString(),
                new Sections(sections[0], sections[1], sections[2], sections[3], sections[4], sections[5], sections[6]),
                answer, new ArrayList<>(quantities.values()), literals, rust);
    }

    private String put(String name, double value, String unit, String text, double relTol) {
        if (!Double.isFinite(value)) throw new IllegalArgumentException(family.id() + ": quantity " + name + " is " + value);
        Quantity old = quantities.get(name);
        if (old != null) {
            if (!old.text().equals(text)) {
                throw new IllegalArgumentException(family.id() + ": quantity " + name + " printed as " + old.text() + " and " + text);
            }
            return text;
        }
        quantities.put(name, new Quantity(name, value, unit, text, relTol));
        return text;
    }

    /** Fixed decimals, never "-0.0". */
    public static String fixed(double v, int decimals) {
        String s = String.format(Locale.ROOT, "%." + decimals + "f", v);
        return s.matches("-0(\\.0*)?") ? s.substring(1) : s;
    }

    /**
     * A number's text as a Rust f64 literal: whole-looking texts ("120", what {@link #significant}
     * gives for large values) get the type suffix, which the number check reads past.
     */
    public static String rustF64(String text) {
        return text.contains(".") || text.contains("e") || text.contains("E") ? text : text + "_f64";
    }

    /**
     * Significant digits: plain between 1e-3 and 1e6, otherwise scientific like 1.25e-7. A value
     * with more integer digits than {@code digits} prints as its whole number (4167, not 4170),
     * since a reader takes trailing zeros of a plain number as exact.
     */
    public static String significant(double v, int digits) {
        if (v == 0) return "0";
        double a = Math.abs(v);
        if (a >= 1e-3 && a < 1e6) {
            int mag = (int) Math.floor(Math.log10(a));
            if (mag + 1 >= digits) return String.format(Locale.ROOT, "%.0f", v);
            int decimals = Math.max(0, digits - 1 - mag);
            return new java.math.BigDecimal(v).setScale(decimals, java.math.RoundingMode.HALF_EVEN).toPlainString();
        }
        String s = String.format(Locale.ROOT, "%." + (digits - 1) + "e", v);
        // 1.250e-07 → 1.250e-7
        return s.replaceAll("e([+-])0*(\\d)", "e$1$2").replace("e+", "e");
    }
}
