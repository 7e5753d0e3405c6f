package org.steptrace.firmware.faults;

import java.util.Objects;

/**
 * A fault injected at {@code atS} seconds of emulated MCU time. {@code heater} names the heater
 * a thermal fault hits (null: the board's first heater).
 */
public record Fault(FaultKind kind, double atS, String heater) {
    public Fault {
        Objects.requireNonNull(kind);
        if (!(atS >= 0) || Double.isInfinite(atS)) throw new IllegalArgumentException("fault time must be a non-negative number of seconds");
    }

    /** Parses {@code KIND@SECONDS} or {@code KIND@SECONDS:HEATER}, e.g. {@code thermistor-open@30:heater_bed}. */
    public static Fault parse(String text) {
        int at = text.indexOf('@');
        if (at <= 0) throw new IllegalArgumentException("fault '" + text + "' is not KIND@SECONDS");
        FaultKind kind = FaultKind.fromCliName(text.substring(0, at));
        String rest = text.substring(at + 1);
        String heater = null;
        int colon = rest.indexOf(':');
        if (colon >= 0) {
            heater = rest.substring(colon + 1);
            rest = rest.substring(0, colon);
        }
        double seconds;
        try {
            seconds = Double.parseDouble(rest);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("fault '" + text + "': '" + rest + "' is not a number of seconds");
        }
        return new Fault(kind, seconds, heater);
    }

    @Override
    public String toString() {
        return kind.cliName() + "@" + atS + (heater == null ? "" : ":" + heater);
    }
}
