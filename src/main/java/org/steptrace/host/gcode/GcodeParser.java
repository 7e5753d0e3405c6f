package org.steptrace.host.gcode;

import java.util.LinkedHashMap;
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
        String[] words = s.split("\\s+");
        int first = 0;
        if (words[0].length() > 1 && Character.toUpperCase(words[0].charAt(0)) == 'N' && words[0].substring(1).matches("-?\\d+")) {
            first = 1;
            if (words.length == 1) return null;
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
        if (!name.matches("[A-Z_][A-Z0-9_]*")) throw new GcodeException(file + ":" + line + ": '" + head + "' is not a command");
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = first + 1; i < words.length; i++) {
            int eq = words[i].indexOf('=');
            if (eq <= 0) throw new GcodeException(file + ":" + line + ": " + name + ": '" + words[i] + "' is not NAME=VALUE");
            params.put(words[i].substring(0, eq).toUpperCase(Locale.ROOT), words[i].substring(eq + 1));
        }
        return new GcodeCommand(file, line, name, params, rest);
    }

    /** G, M or T followed by a number. */
    private static boolean isClassic(String head) {
        char c = Character.toUpperCase(head.charAt(0));
        return (c == 'G' || c == 'M' || c == 'T') && head.length() > 1 && head.substring(1).matches("\\d+(\\.\\d+)?");
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
