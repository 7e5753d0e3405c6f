package org.steptrace.sim.scenario;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Sets one option of one section in a printer config's text, replacing it or adding it. */
final class ConfigText {
    private ConfigText() {}

    static String set(String text, String section, String key, double value) {
        String header = "[" + section + "]";
        int start = text.indexOf(header);
        if (start < 0) throw new IllegalArgumentException("config has no " + header);
        int bodyStart = text.indexOf('\n', start) + 1;
        int next = text.indexOf("\n[", bodyStart);
        int bodyEnd = next < 0 ? text.length() : next + 1;
        String body = text.substring(bodyStart, bodyEnd);
        String line = key + ": " + String.format(Locale.ROOT, "%s", trim(value));
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(key) + "\\s*[:=].*$").matcher(body);
        String replaced = m.find() ? body.substring(0, m.start()) + line + body.substring(m.end()) : line + "\n" + body;
        return text.substring(0, bodyStart) + replaced + text.substring(bodyEnd);
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.3f", v);
    }
}
