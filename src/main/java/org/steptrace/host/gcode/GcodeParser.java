package org.steptrace.host.gcode;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Splits G-code lines into commands: strips {@code ;} comments, an {@code N} line number and
 * a {@code *} checksum (which must match: the XOR of every byte before it), and reads classic
 * ({@code G1 X10}) or extended ({@code SET_VELOCITY_LIMIT VELOCITY=100}) parameters.
 */
public final class GcodeParser {
    private GcodeParser() {}

    /** The command on {@code text}, or null for a blank or comment-only line. */
    public static GcodeCommand parse(String text, String file, int line) {
        String s = text;
        int comment = s.indexOf(';');
        if (comment >= 0) s = s.substring(0, comment);
        int star = s.indexOf('*');
        if (star >= 0) {
            String sum = s.substring(star + 1).strip();
            int expected;
            try {
                expected = Integer.parseInt(sum);
            } catch (NumberFormatException e) {
                throw new GcodeException(file + ":" + line + ": bad checksum '" + sum + "'");
            }
            int actual = 0;
            for (int i = 0; i < star; i++) actual ^= s.charAt(i);
            if ((actual & 0xFF) != expected) {
                throw new GcodeException(file + ":" + line + ": checksum " + expected + " does not match the line (" + (actual & 0xFF) + ")");
            }
            s = s.substring(0, star);
        }
        s = s.strip();
        if (s.isEmpty()) return null;
        String[] words = words(s);
        int first = 0;
        if (words[0].length() > 1 && Character.toUpperCase(words[0].charAt(0)) == 'N' && isInteger(words[0], 1)) {
            first = 1;
            if (words.length == 1) return null;
        }
        if (isGluedClassic(words[first])) {
            // "G1X10Y5": classic words written without spaces.
            List<String> split = new java.util.ArrayList<>(java.util.Arrays.asList(words).subList(0, first));
            split.addAll(unglue(words[first]));
            split.addAll(java.util.Arrays.asList(words).subList(first + 1, words.length));
            words = split.toArray(new String[0]);
        }
        String head = words[first];
        String rest = s.substring(s.indexOf(head) + head.length()).strip();
        if (isClassic(head)) {
            String name = classicName(head, file, line);
            Map<String, String> params = new LinkedHashMap<>();
            if (!name.equals("M117") && !name.equals("M118")) {
                for (int i = first + 1; i < words.length; i++) {
                    String w = words[i];
                    char k = Character.toUpperCase(w.charAt(0));
                    if (!Character.isLetter(k)) throw new GcodeException(file + ":" + line + ": '" + w + "' is not a parameter");
                    params.put(String.valueOf(k), w.substring(1));
                }
            }
            return new GcodeCommand(file, line, name, params, rest);
        }
        String name = head.toUpperCase(Locale.ROOT);
        if (!isExtendedName(name)) throw new GcodeException(file + ":" + line + ": '" + head + "' is not a command");
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = first + 1; i < words.length; i++) {
            int eq = words[i].indexOf('=');
            if (eq <= 0) throw new GcodeException(file + ":" + line + ": " + name + ": '" + words[i] + "' is not NAME=VALUE");
            params.put(words[i].substring(0, eq).toUpperCase(Locale.ROOT), words[i].substring(eq + 1));
        }
        return new GcodeCommand(file, line, name, params, rest);
    }

    /** A G, M or T word with parameters glued to it, like "G1X10Y5". */
    private static boolean isGluedClassic(String w) {
        char c = Character.toUpperCase(w.charAt(0));
        if (!(c == 'G' || c == 'M' || c == 'T') || w.length() < 3 || !Character.isDigit(w.charAt(1))) return false;
        for (int i = 2; i < w.length(); i++) {
            if (Character.isLetter(w.charAt(i))) return true;
        }
        return false;
    }

    /** Splits "G1X10Y-5.5" into "G1", "X10", "Y-5.5": a new word at every letter. */
    private static List<String> unglue(String w) {
        List<String> out = new java.util.ArrayList<>();
        int start = 0;
        for (int i = 1; i < w.length(); i++) {
            if (Character.isLetter(w.charAt(i))) {
                out.add(w.substring(start, i));
                start = i;
            }
        }
        out.add(w.substring(start));
        return out;
    }

    /** G, M or T followed by a number (digits, optionally with a fraction). */
    private static boolean isClassic(String head) {
        char c = Character.toUpperCase(head.charAt(0));
        if (!(c == 'G' || c == 'M' || c == 'T') || head.length() < 2) return false;
        int dot = head.indexOf('.');
        if (dot < 0) return digits(head, 1, head.length());
        return digits(head, 1, dot) && digits(head, dot + 1, head.length());
    }

    private static boolean digits(String s, int from, int to) {
        if (from >= to) return false;
        for (int i = from; i < to; i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') return false;
        }
        return true;
    }

    private static boolean isInteger(String s, int from) {
        return s.length() > from && digits(s, s.charAt(from) == '-' ? from + 1 : from, s.length());
    }

    private static boolean isExtendedName(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = c == '_' || (c >= 'A' && c <= 'Z') || (i > 0 && c >= '0' && c <= '9');
            if (!ok) return false;
        }
        return true;
    }

    /** Splits on runs of white space (no regular expression: this runs once per line). */
    private static String[] words(String s) {
        java.util.List<String> out = new java.util.ArrayList<>(8);
        int i = 0;
        int n = s.length();
        while (i < n) {
            while (i < n && Character.isWhitespace(s.charAt(i))) i++;
            int start = i;
            while (i < n && !Character.isWhitespace(s.charAt(i))) i++;
            if (i > start) out.add(s.substring(start, i));
        }
        return out.toArray(new String[0]);
    }

    private static String classicName(String head, String file, int line) {
        String num = head.substring(1);
        int dot = num.indexOf('.');
        String whole = dot < 0 ? num : num.substring(0, dot);
        try {
            return Character.toUpperCase(head.charAt(0)) + Integer.toString(Integer.parseInt(whole)) + (dot < 0 ? "" : num.substring(dot));
        } catch (NumberFormatException e) {
            throw new GcodeException(file + ":" + line + ": '" + head + "' is not a command");
        }
    }
}
