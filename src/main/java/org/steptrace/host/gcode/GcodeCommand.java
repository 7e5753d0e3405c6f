package org.steptrace.host.gcode;

import java.util.Map;

/**
 * One parsed G-code command. Classic commands ({@code G1 X10 E0.5}) have single-letter
 * parameters; extended ones ({@code SET_VELOCITY_LIMIT ACCEL=3000}) have named parameters.
 * Names and keys are upper case; values stay text until a getter reads them, so the error can
 * name the line.
 */
public record GcodeCommand(String file, int line, String name, Map<String, String> params, String rest) {
    public GcodeCommand {
        params = Map.copyOf(params);
    }

    public String where() {
        return file + ":" + line;
    }

    public boolean has(String key) {
        return params.containsKey(key);
    }

    public double number(String key) {
        String v = params.get(key);
        if (v == null) throw new GcodeException(where() + ": " + name + " needs " + key);
        try {
            double d = Double.parseDouble(v);
            if (!Double.isFinite(d)) throw new NumberFormatException();
            return d;
        } catch (NumberFormatException e) {
            throw new GcodeException(where() + ": " + name + ": " + key + " must be a number, got '" + v + "'");
        }
    }

    public double number(String key, double fallback) {
        return has(key) ? number(key) : fallback;
    }

    /** A number strictly above {@code min}. */
    public double above(String key, double fallback, double min) {
        double v = number(key, fallback);
        if (!(v > min)) throw new GcodeException(where() + ": " + name + ": " + key + " must be above " + min + ", got " + v);
        return v;
    }

    public GcodeException error(String message) {
        return new GcodeException(where() + ": " + name + ": " + message);
    }
}
