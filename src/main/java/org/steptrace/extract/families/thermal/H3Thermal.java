package org.steptrace.extract.families.thermal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.steptrace.extract.observations.TraceView;
import org.steptrace.trace.TraceRecord;

/**
 * What worker H3's thermal and fault families read from traces when they find and write entries:
 * thermistor curves by part name, decoded wire commands, a heater's readings and its ADC and PWM
 * object ids. (Their recomputations do not use this class.)
 */
public final class H3Thermal {
    private H3Thermal() {}

    public static final double KELVIN = 273.15;

    /** Published (°C, Ω) points of the common 100 k NTC parts. */
    public static final Map<String, double[]> TABLES = Map.of(
            "EPCOS 100K B57560G104F", new double[] {25, 100000, 150, 1641.9, 250, 226.15},
            "Generic 3950", new double[] {25, 100000, 150, 1770, 250, 230},
            "ATC Semitec 104GT-2", new double[] {20, 126800, 150, 1360, 300, 80.65});

    /** Steinhart–Hart curve 1/T = c1 + c2 ln R + c3 (ln R)^3, T in kelvin. */
    public record Curve(double c1, double c2, double c3, boolean beta, double betaValue) {
        public double temperatureC(double ohm) {
            double l = Math.log(ohm);
            return 1 / (c1 + c2 * l + c3 * l * l * l) - KELVIN;
        }

        /** Inverse by Cardano (c3 ≠ 0) or directly (beta). */
        public double resistance(double tempC) {
            double u = 1 / (tempC + KELVIN);
            double lnR;
            if (c3 != 0) {
                double y = (c1 - u) / (2 * c3);
                double x = Math.sqrt(Math.pow(c2 / (3 * c3), 3) + y * y);
                lnR = Math.cbrt(x - y) - Math.cbrt(x + y);
            } else {
                lnR = (u - c1) / c2;
            }
            return Math.exp(lnR);
        }

        /** dT/d(ln R) in kelvin. */
        public double dTdLnR(double ohm) {
            double l = Math.log(ohm);
            double inv = c1 + c2 * l + c3 * l * l * l;
            return -(c2 + 3 * c3 * l * l) / (inv * inv);
        }
    }

    public static Curve betaCurve(double t0C, double r0, double beta) {
        double c2 = 1 / beta;
        return new Curve(1 / (t0C + KELVIN) - c2 * Math.log(r0), c2, 0, true, beta);
    }

    /** The three-point fit of a published table (beta from the outer points if c3 would not be positive). */
    public static Curve tableCurve(String sensor) {
        double[] p = TABLES.get(sensor);
        if (p == null) return null;
        double l1 = Math.log(p[1]), l2 = Math.log(p[3]), l3 = Math.log(p[5]);
        double y1 = 1 / (p[0] + KELVIN), y2 = 1 / (p[2] + KELVIN), y3 = 1 / (p[4] + KELVIN);
        double g2 = (y2 - y1) / (l2 - l1), g3 = (y3 - y1) / (l3 - l1);
        double c3 = (g3 - g2) / (l3 - l2) / (l1 + l2 + l3);
        if (!(c3 > 0)) {
            double beta = Math.log(p[1] / p[5]) / (y1 - y3);
            return betaCurve(p[0], p[1], beta);
        }
        double c2 = g2 - c3 * (l1 * l1 + l1 * l2 + l2 * l2);
        double c1 = y1 - c2 * l1 - c3 * l1 * l1 * l1;
        return new Curve(c1, c2, c3, false, 0);
    }

    /** The first word of a decoded message. */
    public static String name(String msg) {
        int sp = msg.indexOf(' ');
        return sp < 0 ? msg : msg.substring(0, sp);
    }

    /** The key=value parameters of a decoded message. */
    public static Map<String, String> params(String msg) {
        Map<String, String> out = new HashMap<>();
        for (String part : msg.split(" ")) {
            int eq = part.indexOf('=');
            if (eq > 0) out.put(part.substring(0, eq), part.substring(eq + 1));
        }
        return out;
    }

    public static long longParam(String msg, String key, long dflt) {
        String v = params(msg).get(key);
        if (v == null) return dflt;
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            return dflt;
        }
    }

    /** A decoded message and the line of its wire record. */
    public record Msg(int line, double hostTimeS, String direction, String text) {}

    /** Every decoded message named {@code name}, in order. */
    public static List<Msg> messages(TraceView trace, String name) {
        List<Msg> out = new ArrayList<>();
        for (TraceView.At<TraceRecord.WireMessage> at : trace.all(TraceRecord.WireMessage.class)) {
            TraceRecord.WireMessage w = at.record();
            if (w.messages() == null || !"data".equals(w.kind())) continue;
            for (String m : w.messages()) {
                if (name(m).equals(name)) out.add(new Msg(at.line(), w.hostTimeS(), w.direction(), m));
            }
        }
        return out;
    }

    /** The host's readings of {@code heater} (records with a temperature). */
    public static List<TraceView.At<TraceRecord.Thermal>> host(TraceView trace, String heater) {
        List<TraceView.At<TraceRecord.Thermal>> out = new ArrayList<>();
        for (TraceView.At<TraceRecord.Thermal> at : trace.all(TraceRecord.Thermal.class)) {
            TraceRecord.Thermal t = at.record();
            if (heater.equals(t.heater()) && t.temperatureC() != null && t.adcSum() != null && t.targetC() != null && t.duty() != null) {
                out.add(at);
            }
        }
        return out;
    }

    /** The ADC object id of {@code heater}: the sensor reports whose value and time match its first MCU-side reading; -1 if none. */
    public static int adcOid(TraceView trace, String heater) {
        TraceRecord.Thermal first = null;
        for (TraceView.At<TraceRecord.Thermal> at : trace.all(TraceRecord.Thermal.class)) {
            TraceRecord.Thermal t = at.record();
            if (heater.equals(t.heater()) && t.temperatureC() == null && t.adcSum() != null) {
                first = t;
                break;
            }
        }
        if (first == null) return -1;
        for (Msg m : messages(trace, "analog_in_state")) {
            if (!"mcu_to_host".equals(m.direction())) continue;
            if (Math.abs(m.hostTimeS() - first.timeS()) < 0.01 && longParam(m.text(), "value", -1) == first.adcSum()) {
                return (int) longParam(m.text(), "oid", -1);
            }
        }
        return -1;
    }

    /** The sampling command of the ADC object {@code oid}, or null. */
    public static Msg query(TraceView trace, int oid) {
        for (Msg m : messages(trace, "query_analog_in")) {
            if (longParam(m.text(), "oid", -2) == oid) return m;
        }
        return null;
    }

    /** The digital-output configuration that follows the ADC object (a heater's pin), or null. */
    public static Msg heaterPwm(TraceView trace, int adcOid) {
        Msg best = null;
        for (Msg m : messages(trace, "config_digital_out")) {
            long oid = longParam(m.text(), "oid", -1);
            if (oid > adcOid && longParam(m.text(), "max_duration", 0) > 0 && (best == null || oid < longParam(best.text(), "oid", -1))) best = m;
        }
        return best;
    }

    /** The ADC's full-scale reading per sample, judged by which one makes the host's readings agree with the published curve. */
    public static int adcMax(TraceView trace, String heater, Curve table, double pullup, int samples) {
        List<TraceView.At<TraceRecord.Thermal>> h = host(trace, heater);
        if (h.isEmpty() || table == null) return -1;
        TraceRecord.Thermal r = h.get(h.size() / 2).record();
        int best = -1;
        double bestErr = Double.MAX_VALUE;
        for (int cand : new int[] {1023, 4095}) {
            double v = r.adcSum() / (double) (samples * cand);
            if (v >= 1) continue;
            double err = Math.abs(table.temperatureC(pullup * v / (1 - v)) - r.temperatureC());
            if (err < bestErr) {
                bestErr = err;
                best = cand;
            }
        }
        return bestErr < 0.5 ? best : -1;
    }

    /** The scenario kind from the header's gcode text ("0005-bed-avr-cartesian: ..." gives "bed"). */
    public static String scenario(TraceView trace) {
        String g = trace.header().gcode();
        if (g == null) return "";
        String id = g.contains(":") ? g.substring(0, g.indexOf(':')) : g;
        String board = trace.header().board();
        id = id.replaceFirst("^\\d+-", "");
        if (board != null && id.endsWith("-" + board)) id = id.substring(0, id.length() - board.length() - 1);
        return id;
    }

    /** A heater's name as prose. */
    public static String prose(String heater) {
        return heater.equals("heater_bed") ? "heated bed" : heater.equals("extruder") ? "hot-end" : heater;
    }
}
