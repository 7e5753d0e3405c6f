package org.steptrace.protocol;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a command written as text, {@code name param=value ...}, the way a host's console and
 * config lines spell them: integers in decimal, enumerated parameters by name or number,
 * buffers in hex.
 */
public final class CommandText {
    private CommandText() {}

    public static Message parse(DataDictionary dictionary, String line) {
        String[] tokens = line.trim().split("\\s+");
        if (tokens.length == 0 || tokens[0].isEmpty()) throw new EncodingException("empty command");
        MessageFormat f = dictionary.command(tokens[0])
                .orElseThrow(() -> new EncodingException("unknown command '" + tokens[0] + "'"));
        Map<String, Object> values = new LinkedHashMap<>();
        for (int i = 1; i < tokens.length; i++) {
            int eq = tokens[i].indexOf('=');
            if (eq <= 0) throw new EncodingException("'" + tokens[i] + "' is not name=value");
            String name = tokens[i].substring(0, eq);
            String text = tokens[i].substring(eq + 1);
            MessageFormat.Param p = f.params().stream().filter(q -> q.name().equals(name)).findFirst()
                    .orElseThrow(() -> new EncodingException("'" + f.name() + "' has no parameter '" + name + "'"));
            if (values.put(name, value(p, text)) != null) throw new EncodingException("parameter '" + name + "' given twice");
        }
        return f.message(values);
    }

    private static Object value(MessageFormat.Param p, String text) {
        if (!p.type().isInteger()) {
            try {
                return Bytes.fromHex(text);
            } catch (IllegalArgumentException e) {
                throw new EncodingException("parameter '" + p.name() + "' takes hex bytes, got '" + text + "'");
            }
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            if (p.enumeration() != null) return text;
            throw new EncodingException("parameter '" + p.name() + "' takes an integer, got '" + text + "'");
        }
    }
}
