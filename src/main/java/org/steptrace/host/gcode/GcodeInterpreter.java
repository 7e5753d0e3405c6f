package org.steptrace.host.gcode;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The G-code layer: keeps the G-code coordinate state (absolute or relative, offsets from G92,
 * speed and extrusion factors) and turns commands into toolhead calls. E is relative under G91
 * or M83; speeds are F in mm/min times the M220 factor; E values are scaled by the M221 factor.
 */
public final class GcodeInterpreter {
    private static final String AXES = "XYZE";

    private final Toolhead toolhead;
    private final Consumer<String> replies;
    private final double[] base = new double[4];
    private final double[] last = new double[4];
    private boolean absoluteCoordinates = true;
    private boolean absoluteExtrude = true;
    private double requestedSpeedMmPerS = 25;
    private double speedFactor = 1;
    private double extrudeFactor = 1;

    public GcodeInterpreter(Toolhead toolhead, Consumer<String> replies) {
        this.toolhead = toolhead;
        this.replies = replies;
        System.arraycopy(toolhead.position(), 0, last, 0, 4);
    }

    public void run(GcodeCommand c) {
        try {
            dispatch(c);
        } catch (GcodeException e) {
            // What the toolhead refuses (range, homing, extrusion) is named by the line that asked.
            if (e.getMessage().startsWith(c.where() + ":")) throw e;
            throw new GcodeException(c.where() + ": " + c.name() + ": " + e.getMessage());
        }
    }

    private void dispatch(GcodeCommand c) {
        switch (c.name()) {
            case "G0", "G1" -> move(c);
            case "G4" -> toolhead.dwell(c.has("S") ? c.number("S") : c.number("P", 0) / 1000.0);
            case "G28" -> home(c);
            case "G90" -> absoluteCoordinates = true;
            case "G91" -> absoluteCoordinates = false;
            case "G92" -> setPosition(c);
            case "M82" -> absoluteExtrude = true;
            case "M83" -> absoluteExtrude = false;
            case "M106" -> toolhead.setFanSpeed(Math.max(0, Math.min(1, c.number("S", 255) / 255.0)));
            case "M107" -> toolhead.setFanSpeed(0);
            case "M114" -> replies.accept(positionReport());
            case "M400" -> toolhead.waitMoves();
            case "M204" -> setAccel(c);
            case "M220" -> speedFactor = c.above("S", 100, 0) / 100.0;
            case "M221" -> setExtrudeFactor(c.above("S", 100, 0) / 100.0);
            case "M18", "M84" -> toolhead.motorsOff();
            case "SET_VELOCITY_LIMIT" -> toolhead.setVelocityLimit(optional(c, "VELOCITY"), optional(c, "ACCEL"),
                    within(c, "SQUARE_CORNER_VELOCITY", 0, Double.MAX_VALUE), within(c, "MINIMUM_CRUISE_RATIO", 0, 0.99));
            case "G21", "M110" -> { }
            case "G20" -> throw c.error("inch units are not supported");
            case "M104", "M109" -> heater(c, "extruder", c.name().equals("M109"));
            case "M140", "M190" -> heater(c, "heater_bed", c.name().equals("M190"));
            case "TEMPERATURE_WAIT" -> temperatureWait(c);
            case "PID_CALIBRATE" -> pidCalibrate(c);
            default -> replies.accept("// Unknown command:\"" + c.name() + "\"");
        }
    }

    private Toolhead.HeaterTargets heaters(GcodeCommand c) {
        Toolhead.HeaterTargets h = toolhead.heaters();
        if (h == null) throw c.error("heaters are not supported here");
        return h;
    }

    private static String word(GcodeCommand c, String key) {
        String v = c.params().get(key);
        if (v == null || v.isEmpty()) throw c.error(c.name() + " needs " + key);
        return v.toLowerCase(java.util.Locale.ROOT);
    }

    private void temperatureWait(GcodeCommand c) {
        String sensor = word(c, "SENSOR");
        Double min = optional(c, "MINIMUM");
        Double max = optional(c, "MAXIMUM");
        if (min == null && max == null) throw c.error("TEMPERATURE_WAIT needs MINIMUM or MAXIMUM");
        heaters(c).waitTemperature(sensor, min, max);
    }

    private void pidCalibrate(GcodeCommand c) {
        String heater = word(c, "HEATER");
        double target = c.number("TARGET");
        heaters(c).calibratePid(heater, target).forEach(replies);
    }

    private void heater(GcodeCommand c, String heater, boolean wait) {
        Toolhead.HeaterTargets h = toolhead.heaters();
        if (h == null) throw c.error("heaters are not supported yet");
        double target = c.number("S", 0);
        if (target < 0) throw c.error("S must not be negative");
        h.setTarget(heater, target, wait);
    }

    private static Double within(GcodeCommand c, String key, double min, double max) {
        if (!c.has(key)) return null;
        double v = c.number(key);
        if (v < min || v > max) throw c.error(key + " must be within " + min + ".." + max + ", got " + v);
        return v;
    }

    private static Double optional(GcodeCommand c, String key) {
        return c.has(key) ? c.above(key, 0, 0) : null;
    }

    private void move(GcodeCommand c) {
        for (String key : c.params().keySet()) {
            if (!key.equals("F") && AXES.indexOf(key.charAt(0)) < 0) throw c.error("unknown parameter " + key);
        }
        for (int i = 0; i < 4; i++) {
            String key = String.valueOf(AXES.charAt(i));
            if (!c.has(key)) continue;
            double v = c.number(key);
            if (i == 3) {
                v *= extrudeFactor;
                if (absoluteCoordinates && absoluteExtrude) last[3] = v + base[3];
                else last[3] += v;
            } else if (absoluteCoordinates) {
                last[i] = v + base[i];
            } else {
                last[i] += v;
            }
        }
        if (c.has("F")) {
            double f = c.number("F");
            if (!(f > 0)) throw c.error("invalid speed F" + f);
            requestedSpeedMmPerS = f / 60.0;
        }
        double[] now = toolhead.position();
        boolean moves = false;
        for (int i = 0; i < 4; i++) moves |= last[i] != now[i];
        if (moves) toolhead.move(last.clone(), requestedSpeedMmPerS * speedFactor);
    }

    private void home(GcodeCommand c) {
        Set<Character> axes = new LinkedHashSet<>();
        for (char a : new char[] {'X', 'Y', 'Z'}) {
            if (c.has(String.valueOf(a))) axes.add(a);
        }
        if (axes.isEmpty()) axes.addAll(java.util.List.of('X', 'Y', 'Z')); // in this order, as hosts home
        toolhead.home(axes);
        System.arraycopy(toolhead.position(), 0, last, 0, 4);
        for (char a : axes) base[AXES.indexOf(a)] = 0;
    }

    private void setPosition(GcodeCommand c) {
        boolean any = false;
        for (int i = 0; i < 4; i++) {
            String key = String.valueOf(AXES.charAt(i));
            if (!c.has(key)) continue;
            any = true;
            double v = c.number(key);
            base[i] = last[i] - (i == 3 ? v * extrudeFactor : v);
        }
        if (!any) System.arraycopy(last, 0, base, 0, 4);
    }

    private void setAccel(GcodeCommand c) {
        Double accel;
        if (c.has("S")) {
            accel = c.above("S", 0, 0);
        } else if (c.has("P") && c.has("T")) {
            accel = Math.min(c.above("P", 0, 0), c.above("T", 0, 0));
        } else {
            throw c.error("needs S, or both P and T");
        }
        toolhead.setVelocityLimit(null, accel, null, null);
    }

    private void setExtrudeFactor(double factor) {
        double gcodeE = (last[3] - base[3]) / extrudeFactor;
        extrudeFactor = factor;
        base[3] = last[3] - gcodeE * factor;
    }

    /** The position in G-code coordinates, as M114 reports it. */
    public double[] gcodePosition() {
        return new double[] {last[0] - base[0], last[1] - base[1], last[2] - base[2], (last[3] - base[3]) / extrudeFactor};
    }

    private String positionReport() {
        double[] p = gcodePosition();
        return String.format(Locale.ROOT, "X:%.3f Y:%.3f Z:%.3f E:%.3f", p[0], p[1], p[2], p[3]);
    }
}
