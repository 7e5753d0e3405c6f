package org.steptrace.machine;

import java.util.Map;

/**
 * An NTC thermistor's resistance–temperature curve in Steinhart–Hart form,
 * 1/T = c1 + c2·ln R + c3·(ln R)³ (T in kelvin). Built from a beta value or from three
 * measured points; a three-point fit whose c3 is not positive falls back to beta from the
 * outer two points, as printer hosts do.
 */
public record Thermistor(double c1, double c2, double c3) {
    public static final double KELVIN_OFFSET = 273.15;

    /** The common 100 K NTC parts by their usual names, as (°C, Ω) triples. */
    private static final Map<String, double[]> KNOWN = Map.of(
            "EPCOS 100K B57560G104F", new double[] {25, 100000, 150, 1641.9, 250, 226.15},
            "Generic 3950", new double[] {25, 100000, 150, 1770, 250, 230},
            "ATC Semitec 104GT-2", new double[] {20, 126800, 150, 1360, 300, 80.65},
            "ATC Semitec 104NT-4-R025H42G", new double[] {25, 100000, 160, 1074, 300, 82.78},
            "SliceEngineering 450", new double[] {25, 500000, 200, 3734, 400, 240});

    public static Thermistor beta(double t1C, double r1Ohm, double beta) {
        double c2 = 1 / beta;
        double c1 = 1 / (t1C + KELVIN_OFFSET) - c2 * Math.log(r1Ohm);
        return new Thermistor(c1, c2, 0);
    }

    public static Thermistor fromPoints(double t1C, double r1, double t2C, double r2, double t3C, double r3) {
        double l1 = Math.log(r1);
        double l2 = Math.log(r2);
        double l3 = Math.log(r3);
        double y1 = 1 / (t1C + KELVIN_OFFSET);
        double y2 = 1 / (t2C + KELVIN_OFFSET);
        double y3 = 1 / (t3C + KELVIN_OFFSET);
        // Eliminate c1 by differences, then solve the 2×2 system for c2 and c3.
        double g2 = (y2 - y1) / (l2 - l1);
        double g3 = (y3 - y1) / (l3 - l1);
        double c3 = (g3 - g2) / (l3 - l2) / (l1 + l2 + l3);
        if (!(c3 > 0)) {
            double beta = Math.log(r1 / r3) / (y1 - y3);
            return beta(t1C, r1, beta);
        }
        double c2 = g2 - c3 * (l1 * l1 + l1 * l2 + l2 * l2);
        double c1 = y1 - c2 * l1 - c3 * l1 * l1 * l1;
        return new Thermistor(c1, c2, c3);
    }

    /** A part by name (e.g. "EPCOS 100K B57560G104F"). */
    public static Thermistor named(String name) {
        double[] p = KNOWN.get(name);
        if (p == null) throw new IllegalArgumentException("unknown thermistor '" + name + "'; known: " + KNOWN.keySet());
        return fromPoints(p[0], p[1], p[2], p[3], p[4], p[5]);
    }

    public static java.util.Set<String> knownNames() {
        return KNOWN.keySet();
    }

    public double temperatureC(double resistanceOhm) {
        double l = Math.log(resistanceOhm);
        return 1 / (c1 + c2 * l + c3 * l * l * l) - KELVIN_OFFSET;
    }

    /** The inverse: resistance at {@code tempC} (Cardano's formula when c3 ≠ 0). */
    public double resistanceOhm(double tempC) {
        double u = 1 / (tempC + KELVIN_OFFSET);
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
}
