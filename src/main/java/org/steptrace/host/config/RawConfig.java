package org.steptrace.host.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The printer.cfg text format: {@code [section]} headers, {@code key: value} (or
 * {@code key = value}) options, indented continuation lines, comments from {@code #} or
 * {@code ;} (whole lines, or after whitespace inside a line). Every section and option keeps its
 * file and line so later errors can name them.
 */
public final class RawConfig {
    /** One option as written. */
    public record Option(String key, String value, int line) {}

    /** One section with its options in file order. */
    public record Section(String name, String file, int line, Map<String, Option> options) {}

    private final String file;
    private final List<Section> sections;

    private RawConfig(String file, List<Section> sections) {
        this.file = file;
        this.sections = Collections.unmodifiableList(sections);
    }

    public static RawConfig parse(String text, String file) {
        List<Section> sections = new ArrayList<>();
        Map<String, Section> byName = new LinkedHashMap<>();
        Section current = null;
        Option last = null;
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int lineNo = i + 1;
            String raw = lines[i];
            String line = stripComment(raw);
            if (line.isBlank()) continue;
            boolean continuation = Character.isWhitespace(raw.charAt(0));
            if (continuation && last != null) {
                Option merged = new Option(last.key(), last.value().isEmpty() ? line.strip() : last.value() + "\n" + line.strip(), last.line());
                current.options().put(last.key(), merged);
                last = merged;
                continue;
            }
            String t = line.strip();
            if (t.startsWith("[")) {
                if (!t.endsWith("]")) throw new ConfigException(file + ":" + lineNo + ": section header '" + t + "' lacks ']'");
                String name = t.substring(1, t.length() - 1).strip().replaceAll("\\s+", " ");
                if (name.isEmpty()) throw new ConfigException(file + ":" + lineNo + ": empty section name");
                if (byName.containsKey(name)) {
                    current = byName.get(name); // a repeated section adds to the first, as hosts allow
                } else {
                    current = new Section(name, file, lineNo, new LinkedHashMap<>());
                    byName.put(name, current);
                    sections.add(current);
                }
                last = null;
                continue;
            }
            if (current == null) throw new ConfigException(file + ":" + lineNo + ": option outside any [section]");
            int sep = separator(t);
            if (sep <= 0) throw new ConfigException(file + ":" + lineNo + ": expected 'key: value', got '" + t + "'");
            String key = t.substring(0, sep).strip().toLowerCase(java.util.Locale.ROOT);
            String value = t.substring(sep + 1).strip();
            last = new Option(key, value, lineNo);
            current.options().put(key, last);
        }
        return new RawConfig(file, sections);
    }

    private static int separator(String t) {
        int colon = t.indexOf(':');
        int eq = t.indexOf('=');
        if (colon < 0) return eq;
        if (eq < 0) return colon;
        return Math.min(colon, eq);
    }

    /** Drops a comment: a line starting with # or ;, or one of them after whitespace. */
    private static String stripComment(String raw) {
        String s = raw.stripLeading();
        if (s.startsWith("#") || s.startsWith(";")) return "";
        for (int i = 1; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if ((c == '#' || c == ';') && Character.isWhitespace(raw.charAt(i - 1))) return raw.substring(0, i);
        }
        return raw;
    }

    public String file() {
        return file;
    }

    public List<Section> sections() {
        return sections;
    }
}
