package org.steptrace.extract.verify;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.steptrace.extract.Quantity;

/**
 * Holds an entry's text to the trace: every stated quantity must be printed in the text, sign and
 * all, and agree with the verifier's own recomputation, and every other number in the text must be
 * one of those recomputed values with its sign (at its printed precision) or a known constant. So
 * changing any number in an entry, or its sign, makes it fail; a family that states a magnitude
 * in words ("fell by 3.2") states it as a quantity of its own.
 */
public final class NumberCheck {
    /** One stated quantity against its recomputation. */
    public record Result(String name, double stated, double recomputed, double tol, boolean ok) {}

    /** Constants any entry may use (small counts, unit factors, common tolerances and fractions). */
    static final Set<Double> COMMON = Set.of(0.5, 0.25, 0.75, 1.5, 2.5, 0.1, 0.01, 0.001, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10,
            1e-12, 24.0, 25.0, 30.0, 32.0, 50.0, 60.0, 64.0, 90.0, 100.0, 120.0, 128.0, 180.0, 255.0, 256.0, 360.0, 1000.0, 1024.0,
            3600.0, 65535.0, 65536.0, 1e6, 1e9, 1e12, 4294967296.0, 4294967295.0, 2147483648.0);

    private NumberCheck() {}

    /**
     * @param text the problem and the assistant's turn together
     * @param stated the quantities the writer declared
     * @param recomputed the verifier's own values, by name
     * @param literals the family's extra constants
     * @param problems where reasons for failure are added
     */
    public static List<Result> check(String text, List<Quantity> stated, Map<String, Double> recomputed, Set<Double> literals,
                                     List<String> problems) {
        List<NumberTokens.Token> tokens = NumberTokens.in(text);
        List<Result> results = new ArrayList<>();
        for (Quantity q : stated) {
            Double r = recomputed.get(q.name());
            double value = parseOrNaN(q.text());
            boolean shown = tokens.stream().anyMatch(t -> t.text().equals(q.text()));
            if (r == null || !Double.isFinite(r)) {
                results.add(new Result(q.name(), value, Double.NaN, 0, false));
                problems.add("quantity " + q.name() + " was not recomputed from the trace");
                continue;
            }
            double tol = tolerance(q.relTol(), r, NumberTokens.halfUlp(q.text()));
            boolean ok = shown && Math.abs(value - r) <= tol;
            results.add(new Result(q.name(), value, r, tol, ok));
            if (!shown) problems.add("quantity " + q.name() + " (" + q.text() + ") does not appear in the entry");
            else if (!ok) problems.add("quantity " + q.name() + " states " + q.text() + " but the trace gives " + r);
        }
        for (NumberTokens.Token t : tokens) {
            if (!explained(t, exponent(text, t.offset()), stated, recomputed, literals)) {
                problems.add("number " + t.text() + " at offset " + t.offset() + " is neither a recomputed quantity nor a known constant");
            }
        }
        return results;
    }

    /** Whether the number at {@code offset} is a written exponent: "2^-16", "e^{-1}", "10^(-3)". */
    private static boolean exponent(String text, int offset) {
        int i = offset - 1;
        if (i >= 0 && (text.charAt(i) == '{' || text.charAt(i) == '(')) i--;
        return i >= 0 && text.charAt(i) == '^';
    }

    private static boolean explained(NumberTokens.Token t, boolean exponent, List<Quantity> stated, Map<String, Double> recomputed,
                                     Set<Double> literals) {
        double v = t.value();
        if (exponent && v == Math.rint(v) && Math.abs(v) <= 64) return true;
        if (knownConstant(v, literals)) return true;
        for (Quantity q : stated) {
            Double r = recomputed.get(q.name());
            if (r == null) continue;
            if (Math.abs(v - r) <= tolerance(q.relTol(), r, t.halfUlp())) return true;
        }
        return false;
    }

    /**
     * Whether any text may use {@code v} unexplained: a small whole number (step labels, small
     * counts), a common constant or one of the family's {@code literals}. Negative small whole
     * numbers only as written exponents ("2^-32"), so a flipped sign is still caught.
     */
    public static boolean knownConstant(double v, Set<Double> literals) {
        return v == Math.rint(v) && v >= 0 && v <= 20 || isLiteral(v, COMMON) || isLiteral(v, literals);
    }

    private static boolean isLiteral(double v, Set<Double> set) {
        for (double l : set) {
            if (Math.abs(v - l) <= 1e-12 * Math.max(1, Math.abs(l))) return true;
        }
        return false;
    }

    /** The printed rounding plus the two paths' allowed disagreement: either alone fails a value that sits on a rounding edge. */
    static double tolerance(double relTol, double recomputed, double halfUlp) {
        return (relTol * Math.abs(recomputed) + halfUlp) * (1 + 1e-9) + 1e-15;
    }

    private static double parseOrNaN(String s) {
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
