package org.steptrace.extract.verify;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Entries teach principles, so they never name the firmware whose protocol steptrace speaks, its
 * host program, files and modules, its wire commands and responses, its extended G-code commands
 * or its configuration syntax. The names are facts kept in a resource list.
 */
public final class ProhibitedContent {
    private static final List<String> NAMES = load();
    private static final Pattern WORDS = Pattern.compile("(?i)\\b(klipper|klippy|moonraker|mainsail|fluidd|octoprint|printer\\.cfg|"
            + "stepcompress|itersolve|serialqueue|trapq|chelper|toolhead\\.py|[a-z_]+\\.py)\\b");
    /** A section header of that config syntax: [stepper_x], [extruder], [heater_bed] … */
    private static final Pattern SECTION = Pattern.compile("\\[(stepper_[a-z]|extruder\\d*|heater_bed|printer|mcu(?: [a-z]+)?|fan|"
            + "heater_fan[^\\]]*|input_shaper|bed_mesh|probe|safe_z_home|tmc\\d+[^\\]]*|verify_heater[^\\]]*|temperature_sensor[^\\]]*)\\]");
    /** A "key: value" line of that syntax (prose outside code; code has its own field syntax). */
    private static final Pattern CONFIG_LINE = Pattern.compile("(?m)^\\s*[a-z][a-z0-9]*(?:_[a-z0-9]+)+\\s*[:=]\\s*\\S");
    private static final Pattern CODE = Pattern.compile("```.*?```", Pattern.DOTALL);

    private ProhibitedContent() {}

    /** What the text names that it must not; empty when clean. */
    public static List<String> findings(String text) {
        List<String> out = new ArrayList<>();
        Matcher w = WORDS.matcher(text);
        while (w.find()) out.add("names '" + w.group() + "'");
        Matcher s = SECTION.matcher(text);
        while (s.find()) out.add("config section header '" + s.group() + "'");
        String prose = CODE.matcher(text).replaceAll("");
        Matcher c = CONFIG_LINE.matcher(prose);
        while (c.find()) out.add("config line '" + c.group().strip() + "'");
        String lower = text.toLowerCase(Locale.ROOT);
        for (String name : NAMES) {
            int at = lower.indexOf(name);
            while (at >= 0) {
                boolean before = at == 0 || !isWordChar(lower.charAt(at - 1));
                int end = at + name.length();
                boolean after = end >= lower.length() || !isWordChar(lower.charAt(end));
                if (before && after) {
                    out.add("protocol, command or config name '" + name + "'");
                    break;
                }
                at = lower.indexOf(name, at + 1);
            }
        }
        return out;
    }

    private static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }

    private static List<String> load() {
        try (InputStream in = ProhibitedContent.class.getResourceAsStream("/extract/prohibited-names.txt")) {
            if (in == null) throw new IllegalStateException("prohibited-names.txt missing from the build");
            List<String> names = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String t = line.strip();
                if (!t.isEmpty() && !t.startsWith("#")) names.add(t.toLowerCase(Locale.ROOT));
            }
            return List.copyOf(names);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
