package org.steptrace.extract.verify;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The numbers written in a text: decimal or scientific tokens not glued to a word (so "f64",
 * "u32" or "x86" are not numbers), each with its sign and the precision its printing implies.
 */
public final class NumberTokens {
    /** A number as written, its value and half a unit in its last printed place. */
    public record Token(String text, int offset, double value, double halfUlp) {}

    /**
     * Digits not glued to a word before them (so "f64", "u32", "x86" are not numbers), read
     * whole (possessive: "1.5ms" is 1.5, never 1); a unit or type suffix after them ("12.5mm",
     * "2.0_f64") does not hide the number; a part number ("104GT") is a name, not a number. A
     * minus right before the digits is the number's sign where it cannot be a subtraction or a
     * hyphen: at the start, after a space, an opening bracket or an operator ("= -0.5", "(-3",
     * "x -2.5"); "a-5", "5-10" and "a - 5" hold the unsigned 5, "+-1.0" and "+/-1.0" the magnitude 1.0.
     */
    private static final Pattern NUMBER = Pattern.compile(
            "(?:(?<=^|[\\s(\\[{=,:;*/<>|&!^%])(?<!\\+/)-)?+(?<![\\w.])\\d++(?:\\.\\d++)?+(?:[eE][-+]?\\d++(?![A-Za-z]))?+(?![A-Z][A-Z0-9])");

    private NumberTokens() {}

    public static List<Token> in(String text) {
        List<Token> out = new ArrayList<>();
        Matcher m = NUMBER.matcher(text);
        while (m.find()) {
            String t = m.group();
            out.add(new Token(t, m.start(), Double.parseDouble(t), halfUlp(t)));
        }
        return out;
    }

    /** Half a unit in the last place of {@code text}: 0.5 for "12", 0.0005 for "0.012", 5e-10 for "1.2e-8". */
    public static double halfUlp(String text) {
        String lower = text.toLowerCase(java.util.Locale.ROOT).replaceFirst("^-", "");
        int e = lower.indexOf('e');
        String mantissa = e < 0 ? lower : lower.substring(0, e);
        int exponent = e < 0 ? 0 : Integer.parseInt(lower.substring(e + 1));
        int scale = new BigDecimal(mantissa).scale();
        return 0.5 * Math.pow(10, exponent - scale);
    }

    /** The text with every number replaced by one placeholder (for near-duplicate detection). */
    public static String masked(String text) {
        return NUMBER.matcher(text).replaceAll("#");
    }
}
