package org.steptrace.extract.families.thermal;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.RealVector;
import org.steptrace.extract.observations.TraceView;
import org.steptrace.trace.TraceRecord;

/**
 * Worker H3's recomputation side: its own readers and formulations (regex parameters, a matrix
 * solve for curve coefficients, the r-infinity form of the beta model), used only by the
 * families' recompute methods, never by their writers.
 */
public final class H3Recheck {
    private H3Recheck() {}

    private static final Pattern KV = Pattern.compile("(\\w+)=(-?\\d+)");

    /** Integer parameters of a decoded message. */
    public static Map<String, Long> ints(String msg) {
        Map<String, Long> out = new HashMap<>();
        Matcher m = KV.matcher(msg);
        while (m.find()) {
            try {
                out.put(m.group(1), Long.parseLong(m.group(2)));
            } catch (NumberFormatException e) {
                // not a number we need
            }
        }
        return out;
    }

    /** The first decoded message starting with {@code prefix} whose integer {@code key} equals {@code value}. */
    public static String firstMessage(TraceView trace, String prefix, String key, long value) {
        for (int line = 2; line <= trace.lines(); line++) {
            if (!(trace.at(line) instanceof TraceRecord.WireMessage w) || w.messages() == null) continue;
            for (String m : w.messages()) {
                if (m.startsWith(prefix + " ") && Long.valueOf(value).equals(ints(m).get(key))) return m;
            }
        }
        return null;
    }

    /** The ADC object whose report carried {@code sum} closest in time to {@code timeS}. */
    public static long oidOfReading(TraceView trace, double timeS, int sum) {
        long best = -1;
        double bestDt = 0.05;
        for (int line = 2; line <= trace.lines(); line++) {
            if (!(trace.at(line) instanceof TraceRecord.WireMessage w) || w.messages() == null) continue;
            if (Math.abs(w.hostTimeS() - timeS) >= bestDt) continue;
            for (String m : w.messages()) {
                if (!m.startsWith("analog_in_state ")) continue;
                Map<String, Long> p = ints(m);
                if (Long.valueOf(sum).equals(p.get("value"))) {
                    bestDt = Math.abs(w.hostTimeS() - timeS);
                    best = p.getOrDefault("oid", -1L);
                }
            }
        }
        return best;
    }

    /** Steinhart–Hart coefficients through three (°C, Ω) points, by a 3×3 LU solve; null if c3 is not positive. */
    public static double[] steinhartHart(double[] p) {
        double[][] a = new double[3][3];
        double[] y = new double[3];
        for (int i = 0; i < 3; i++) {
            double l = Math.log(p[2 * i + 1]);
            a[i][0] = 1;
            a[i][1] = l;
            a[i][2] = l * l * l;
            y[i] = 1 / (p[2 * i] + 273.15);
        }
        RealVector c = new LUDecomposition(new Array2DRowRealMatrix(a)).getSolver().solve(new ArrayRealVector(y));
        if (!(c.getEntry(2) > 0)) return null;
        return c.toArray();
    }

    /** Temperature (°C) from resistance by the beta model written as T = beta / ln(R / r_inf). */
    public static double betaTemp(double ohm, double r0, double t0C, double beta) {
        double rInf = r0 * Math.exp(-beta / (t0C + 273.15));
        return beta / Math.log(ohm / rInf) - 273.15;
    }

    public static double shTemp(double[] c, double ohm) {
        double l = Math.log(ohm);
        return 1 / (c[0] + c[1] * l + c[2] * Math.pow(l, 3)) - 273.15;
    }

    /** The ADC's full scale per sample, from the sampling command's upper limit (the smallest that holds it). */
    public static long adcMaxFromLimit(long sampleCount, long maxValue) {
        for (long cand : new long[] {1023, 4095}) {
            if (sampleCount * cand >= maxValue) return cand;
        }
        return 4095;
    }
}
