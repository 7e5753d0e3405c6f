package org.steptrace.extract.families.common;

import org.steptrace.trace.TraceRecord;

/** Small facts about planned-move records that many motion families need. */
public final class Moves {
    private Moves() {}

    /** Toolhead travel in x/y/z (mm). */
    public static double lengthMm(TraceRecord.Move m) {
        double dx = m.endMm()[0] - m.startMm()[0];
        double dy = m.endMm()[1] - m.startMm()[1];
        double dz = m.endMm()[2] - m.startMm()[2];
        return Math.sqrt(dx * dx + dy * dy + dz * dz);
    }

    /** Filament travel (mm), signed. */
    public static double extrudeMm(TraceRecord.Move m) {
        return m.endMm().length > 3 ? m.endMm()[3] - m.startMm()[3] : 0;
    }

    /** A move in the x/y plane (no z), long enough to talk about. */
    public static boolean isPlanar(TraceRecord.Move m, double minLengthMm) {
        return Math.abs(m.endMm()[2] - m.startMm()[2]) < 1e-9 && lengthMm(m) >= minLengthMm && m.accelMmPerS2() > 0;
    }
}
