package org.steptrace.extract.families.realtime;

import java.util.Locale;
import org.steptrace.extract.observations.TraceView;

/** Worker H5's small facts about a trace: its scenario kind and board, in words. */
final class H5Scenario {
    private H5Scenario() {}

    /** The scenario kind from the header's gcode field ("0000-print-avr-cartesian: ..." gives "print"). */
    static String kind(TraceView t) {
        String g = t.header().gcode();
        if (g == null) return "unknown";
        String id = g.contains(":") ? g.substring(0, g.indexOf(':')) : g;
        id = id.replaceFirst("^\\d+-", "");
        String board = t.header().board();
        if (board != null && id.endsWith("-" + board)) id = id.substring(0, id.length() - board.length() - 1);
        return id.isEmpty() ? "unknown" : id;
    }

    /**
     * A count as text: small ones (which any entry may state freely, so a changed one could not be
     * caught) are written plainly, larger ones are recorded as quantities.
     */
    static String board(TraceView t) {
        String b = t.header().board();
        return b == null ? "unknown" : b;
    }

    /** What the run did, as a phrase ("during a print", "while a heater was tuned"). */
    static String doing(String kind) {
        return switch (kind.toLowerCase(Locale.ROOT)) {
            case "print" -> "while the machine printed a small part";
            case "corners" -> "while the toolhead ran a path full of sharp corners";
            case "short-moves" -> "while the toolhead ran a chain of very short moves";
            case "homing" -> "while the axes were homed";
            case "heat-up" -> "while the hotend heated up";
            case "autotune" -> "while a relay autotune cycled the hotend heater";
            case "bed" -> "while the bed heater ran on/off control";
            case "lossy-link" -> "over a serial link that dropped and corrupted bytes";
            case "late-host" -> "in a run where the host stalled for several seconds mid-motion";
            case "fault-link-drop" -> "in a run that ended when the serial link dropped";
            default -> kind.startsWith("fault-") ? "in a run that ended in a heater or sensor fault (" + kind.substring(6).replace('-', ' ') + ")"
                    : "during a " + kind.replace('-', ' ') + " run";
        };
    }

    /** Readable board name: "an AVR board at 16 MHz" style. */
    static String boardWords(TraceView t) {
        String b = board(t);
        String cpu = b.startsWith("avr") ? "an 8-bit AVR" : b.startsWith("arm") ? "a 32-bit ARM" : "a";
        String kin = b.contains("-") ? b.substring(b.indexOf('-') + 1) : "unknown";
        return cpu + " controller on a " + kin + " printer";
    }
}
