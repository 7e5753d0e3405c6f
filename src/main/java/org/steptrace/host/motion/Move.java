package org.steptrace.host.motion;

/**
 * One toolhead move while it is being planned (x, y, z, e in mm). The planner fills in the
 * junction limits and finally the trapezoid; the result leaves as an immutable {@link Trapezoid}.
 */
public final class Move {
    /** Acceleration given to extrude-only moves before the extruder limits them. */
    static final double EXTRUDE_ONLY_ACCEL = 99999999.9;

    final double[] start;
    final double[] end;
    final double[] axesD = new double[4];
    final double[] axesR = new double[4];
    final double moveD;
    final boolean kinematic;
    double accel;
    double junctionDeviation;
    double maxCruiseV2;
    double minMoveT;
    double deltaV2;
    double mcrDeltaV2;
    double mcrPseudoAccel;
    double maxStartV2;
    double maxMcrStartV2;
    double nextJunctionV2 = 999999999.9;
    /** The extruder's instantaneous corner velocity (mm/s of filament), or NaN without an extruder. */
    double extruderCornerV = Double.NaN;

    /**
     * @param speedMmPerS requested speed (the XYZ path speed; the E speed for extrude-only moves)
     */
    public Move(double[] start, double[] end, double speedMmPerS, MotionLimits limits) {
        this.start = start.clone();
        this.end = end.clone();
        for (int i = 0; i < 4; i++) axesD[i] = end[i] - start[i];
        double xyz = Math.sqrt(axesD[0] * axesD[0] + axesD[1] * axesD[1] + axesD[2] * axesD[2]);
        double velocity;
        if (xyz < 1e-9) {
            kinematic = false;
            moveD = Math.abs(axesD[3]);
            accel = EXTRUDE_ONLY_ACCEL;
            velocity = speedMmPerS;
        } else {
            kinematic = true;
            moveD = xyz;
            accel = limits.maxAccelMmPerS2();
            velocity = Math.min(speedMmPerS, limits.maxVelocityMmPerS());
        }
        double inv = moveD > 0 ? 1 / moveD : 0;
        for (int i = 0; i < 4; i++) axesR[i] = axesD[i] * inv;
        maxCruiseV2 = velocity * velocity;
        minMoveT = moveD / velocity;
        deltaV2 = 2 * moveD * accel;
        mcrPseudoAccel = limits.maxAccelMmPerS2() * (1 - limits.minimumCruiseRatio());
        mcrDeltaV2 = 2 * moveD * mcrPseudoAccel;
        junctionDeviation = limits.junctionDeviationMm();
    }

    /** Lowers the speed and acceleration this move may use. */
    public void limitSpeed(double speedMmPerS, double accelMmPerS2) {
        double v2 = speedMmPerS * speedMmPerS;
        if (v2 < maxCruiseV2) {
            maxCruiseV2 = v2;
            minMoveT = moveD / speedMmPerS;
        }
        accel = Math.min(accel, accelMmPerS2);
        deltaV2 = 2 * moveD * accel;
        mcrDeltaV2 = Math.min(mcrDeltaV2, deltaV2);
    }

    /** The junction speed limit from the previous move into this one (§ junction deviation). */
    void calcJunction(Move prev) {
        if (!kinematic || !prev.kinematic) return;
        double maxStart = Math.min(Math.min(maxCruiseV2, prev.maxCruiseV2),
                Math.min(prev.nextJunctionV2, prev.maxStartV2 + prev.deltaV2));
        if (!Double.isNaN(extruderCornerV)) {
            // The filament's speed may jump by at most the extruder's corner velocity.
            double diff = Math.abs(axesR[3] - prev.axesR[3]);
            if (diff > 0) maxStart = Math.min(maxStart, Math.pow(extruderCornerV / diff, 2));
        }
        double cos = -(axesR[0] * prev.axesR[0] + axesR[1] * prev.axesR[1] + axesR[2] * prev.axesR[2]);
        double sinHalf = Math.sqrt(Math.max(0, (1 - cos) / 2));
        double cosHalf = Math.sqrt(Math.max(0, (1 + cos) / 2));
        if (1 - sinHalf > 0 && cosHalf > 0) {
            double r = sinHalf / (1 - sinHalf);
            double tanHalf = sinHalf / cosHalf;
            maxStart = Math.min(maxStart, Math.min(r * junctionDeviation * accel, r * prev.junctionDeviation * prev.accel));
            // Centripetal: the turning circle may reach no further than the middle of either move.
            maxStart = Math.min(maxStart, Math.min(deltaV2 * 0.25 * tanHalf, prev.deltaV2 * 0.25 * tanHalf));
        }
        maxStartV2 = maxStart;
        maxMcrStartV2 = Math.min(maxStart, prev.maxMcrStartV2 + prev.mcrDeltaV2);
    }

    /** Limits the filament speed change at the junction into this move (the extruder's corner velocity). */
    public void setExtruderCornerVelocity(double mmPerS) {
        extruderCornerV = mmPerS;
    }

    /** Filament mm per mm of path (for an extrude-only move, ±1). */
    public double extrudeRatio() {
        return axesR[3];
    }

    public boolean isKinematic() {
        return kinematic;
    }

    /** Runs {@code action} right after this move is laid on the print-time axis (a G-code action timed to its end). */
    public void afterLaid(Runnable action) {
        if (afterLaid == null) afterLaid = new java.util.ArrayList<>();
        afterLaid.add(action);
    }

    void laid() {
        if (afterLaid != null) afterLaid.forEach(Runnable::run);
        afterLaid = null;
    }

    private java.util.List<Runnable> afterLaid;

    public double distanceMm() {
        return moveD;
    }

    public double[] start() {
        return start.clone();
    }

    public double[] end() {
        return end.clone();
    }

    /** The trapezoid for the chosen junction speeds (squared). */
    Trapezoid trapezoid(double startV2, double cruiseV2, double endV2) {
        double startV = Math.sqrt(startV2);
        double cruiseV = Math.sqrt(cruiseV2);
        double endV = Math.sqrt(endV2);
        double accelD = (cruiseV2 - startV2) / (2 * accel);
        double decelD = (cruiseV2 - endV2) / (2 * accel);
        double cruiseD = moveD - accelD - decelD;
        double accelT = accelD / ((startV + cruiseV) / 2);
        double cruiseT = cruiseD / cruiseV;
        double decelT = decelD / ((endV + cruiseV) / 2);
        return new Trapezoid(start.clone(), end.clone(), axesR.clone(), moveD, accel, startV, cruiseV, endV, accelT, cruiseT, decelT);
    }
}
