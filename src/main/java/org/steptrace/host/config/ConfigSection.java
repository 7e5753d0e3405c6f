package org.steptrace.host.config;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Typed access to one section: each getter checks the value and, when it is wrong, fails with
 * file:line naming the option. Options read are remembered, so the rest can be reported unused.
 */
public final class ConfigSection {
    private final RawConfig.Section section;
    private final Set<String> used = new HashSet<>();

    ConfigSection(RawConfig.Section section) {
        this.section = section;
    }

    public String name() {
        return section.name();
    }

    /** file:line of the section header. */
    public String where() {
        return section.file() + ":" + section.line();
    }

    private String where(RawConfig.Option o) {
        return section.file() + ":" + o.line();
    }

    public boolean has(String key) {
        return section.options().containsKey(key);
    }

    private RawConfig.Option option(String key) {
        used.add(key);
        RawConfig.Option o = section.options().get(key);
        if (o == null) throw new ConfigException(where() + ": section [" + name() + "] needs option '" + key + "'");
        return o;
    }

    public String string(String key) {
        return option(key).value();
    }

    public String string(String key, String fallback) {
        return has(key) ? string(key) : fallback;
    }

    /** One of {@code choices}. */
    public String choice(String key, String fallback, List<String> choices) {
        if (!has(key) && fallback != null) return fallback;
        RawConfig.Option o = option(key);
        String v = o.value().toLowerCase(java.util.Locale.ROOT);
        if (!choices.contains(v)) throw new ConfigException(where(o) + ": '" + key + "' must be one of " + choices + ", got '" + o.value() + "'");
        return v;
    }

    public double number(String key) {
        RawConfig.Option o = option(key);
        try {
            double v = Double.parseDouble(o.value());
            if (!Double.isFinite(v)) throw new NumberFormatException();
            return v;
        } catch (NumberFormatException e) {
            throw new ConfigException(where(o) + ": '" + key + "' must be a number, got '" + o.value() + "'");
        }
    }

    public double number(String key, double fallback) {
        return has(key) ? number(key) : fallback;
    }

    /** A number strictly above {@code above}. */
    public double above(String key, double fallback, double above) {
        double v = number(key, fallback);
        if (!(v > above)) throw error(key, "'" + key + "' must be above " + fmt(above) + ", got " + fmt(v));
        return v;
    }

    public double above(String key, double above) {
        double v = number(key);
        if (!(v > above)) throw error(key, "'" + key + "' must be above " + fmt(above) + ", got " + fmt(v));
        return v;
    }

    /** A number within [min, max]. */
    public double within(String key, double fallback, double min, double max) {
        double v = number(key, fallback);
        if (v < min || v > max) throw error(key, "'" + key + "' must be within " + fmt(min) + ".." + fmt(max) + ", got " + fmt(v));
        return v;
    }

    public int integer(String key, int fallback, int min, int max) {
        if (!has(key)) return fallback;
        RawConfig.Option o = option(key);
        int v;
        try {
            v = Integer.parseInt(o.value());
        } catch (NumberFormatException e) {
            throw new ConfigException(where(o) + ": '" + key + "' must be a whole number, got '" + o.value() + "'");
        }
        if (v < min || v > max) throw new ConfigException(where(o) + ": '" + key + "' must be within " + min + ".." + max + ", got " + v);
        return v;
    }

    public int integer(String key, int min, int max) {
        option(key);
        return integer(key, 0, min, max);
    }

    public boolean bool(String key, boolean fallback) {
        if (!has(key)) return fallback;
        RawConfig.Option o = option(key);
        return switch (o.value().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default -> throw new ConfigException(where(o) + ": '" + key + "' must be true or false, got '" + o.value() + "'");
        };
    }

    public PinSpec pin(String key) {
        RawConfig.Option o = option(key);
        try {
            return PinSpec.parse(o.value());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(where(o) + ": '" + key + "': " + e.getMessage());
        }
    }

    public PinSpec pinOrNull(String key) {
        return has(key) ? pin(key) : null;
    }

    /** Options present but never read: typos or settings steptrace does not use. */
    public List<String> unusedOptions() {
        return section.options().values().stream().filter(o -> !used.contains(o.key()))
                .map(o -> where(o) + ": option '" + o.key() + "' in [" + name() + "] is not used").toList();
    }

    /** An error about this section's option {@code key} (or the section when it is absent). */
    public ConfigException error(String key, String message) {
        RawConfig.Option o = section.options().get(key);
        return new ConfigException((o == null ? where() : where(o)) + ": " + message);
    }

    private static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
