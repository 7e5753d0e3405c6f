package org.steptrace.protocol;

/** Renders bytes the way the reference dump prints them: as a Python bytes literal. */
public final class PythonBytes {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private PythonBytes() {}

    public static String repr(Bytes b) {
        StringBuilder sb = new StringBuilder(b.size() + 3);
        appendRepr(sb, b);
        return sb.toString();
    }

    public static void appendRepr(StringBuilder sb, Bytes b) {
        boolean hasSingle = false;
        boolean hasDouble = false;
        for (int i = 0; i < b.size(); i++) {
            hasSingle |= b.get(i) == '\'';
            hasDouble |= b.get(i) == '"';
        }
        char quote = hasSingle && !hasDouble ? '"' : '\'';
        sb.append('b').append(quote);
        for (int i = 0; i < b.size(); i++) {
            int c = b.get(i);
            if (c == '\\') sb.append("\\\\");
            else if (c == quote) sb.append('\\').append(quote);
            else if (c == '\t') sb.append("\\t");
            else if (c == '\n') sb.append("\\n");
            else if (c == '\r') sb.append("\\r");
            else if (c < 0x20 || c >= 0x7F) sb.append("\\x").append(HEX[c >> 4]).append(HEX[c & 0xF]);
            else sb.append((char) c);
        }
        sb.append(quote);
    }
}
