package org.steptrace.host.config;

import java.util.Objects;

/**
 * A pin as a printer config names it: {@code ^!PE5} is PE5 with the pull-up on and the logic
 * inverted; {@code ~} asks for a pull-down; {@code mcu:} prefixes name the chip. {@link #name()}
 * is the pin exactly as spelled without those, which is what the config CRC covers.
 */
public record PinSpec(String chip, String name, boolean invert, boolean pullup, boolean pulldown) {
    public PinSpec {
        Objects.requireNonNull(name);
    }

    public static PinSpec parse(String text) {
        String s = text.strip();
        boolean invert = false;
        boolean pullup = false;
        boolean pulldown = false;
        int i = 0;
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) continue;
            if ("!^~".indexOf(c) < 0) break;
            boolean repeated = (c == '!' && invert) || (c == '^' && pullup) || (c == '~' && pulldown);
            if (repeated) throw new IllegalArgumentException("pin '" + text + "' repeats '" + c + "'");
            invert |= c == '!';
            pullup |= c == '^';
            pulldown |= c == '~';
        }
        if (pullup && pulldown) throw new IllegalArgumentException("pin '" + text + "' asks for both pull-up and pull-down");
        String rest = s.substring(i).strip();
        String chip = null;
        int colon = rest.indexOf(':');
        if (colon >= 0) {
            chip = rest.substring(0, colon).strip();
            rest = rest.substring(colon + 1).strip();
        }
        if (rest.isEmpty() || !rest.matches("[A-Za-z0-9_./-]+")) throw new IllegalArgumentException("'" + text + "' is not a pin");
        return new PinSpec(chip, rest, invert, pullup, pulldown);
    }

    @Override
    public String toString() {
        return (pullup ? "^" : "") + (pulldown ? "~" : "") + (invert ? "!" : "") + (chip == null ? "" : chip + ":") + name;
    }
}
