package org.steptrace.machine;

/**
 * A linear delta: three carriages on vertical towers at {@code angleDeg} around a circle of
 * {@code radiusMm}, each joined to the effector by arms of {@code armMm}. A carriage's height
 * is where its arm sphere meets the tower; the forward map intersects the three spheres.
 */
public final class DeltaKinematics implements Kinematics {
    private final double[] towerX = new double[3];
    private final double[] towerY = new double[3];
    private final double[] arm2 = new double[3];
    private final double radiusMm;
    private final double[] armMm;

    public DeltaKinematics(double radiusMm, double[] armMm, double[] angleDeg) {
        if (armMm.length != 3 || angleDeg.length != 3) throw new IllegalArgumentException("a delta has three towers");
        this.radiusMm = radiusMm;
        this.armMm = armMm.clone();
        for (int i = 0; i < 3; i++) {
            if (armMm[i] <= radiusMm) {
                throw new IllegalArgumentException("arm " + armMm[i] + " mm must be longer than the radius " + radiusMm + " mm");
            }
            double a = Math.toRadians(angleDeg[i]);
            towerX[i] = radiusMm * Math.cos(a);
            towerY[i] = radiusMm * Math.sin(a);
            arm2[i] = armMm[i] * armMm[i];
        }
    }

    /** Towers at the usual 210°, 330° and 90°, equal arms. */
    public static DeltaKinematics symmetric(double radiusMm, double armMm) {
        return new DeltaKinematics(radiusMm, new double[] {armMm, armMm, armMm}, new double[] {210, 330, 90});
    }

    public double radiusMm() {
        return radiusMm;
    }

    public double armMm(int tower) {
        return armMm[tower];
    }

    @Override
    public int actuatorCount() {
        return 3;
    }

    @Override
    public double actuatorPosition(int i, Vec3 p) {
        double dx = towerX[i] - p.x();
        double dy = towerY[i] - p.y();
        return Math.sqrt(arm2[i] - dx * dx - dy * dy) + p.z();
    }

    @Override
    public Vec3 toolhead(double[] h) {
        // Trilateration of the spheres centred at (towerX, towerY, h) with radius arm.
        Vec3 p1 = new Vec3(towerX[0], towerY[0], h[0]);
        Vec3 p2 = new Vec3(towerX[1], towerY[1], h[1]);
        Vec3 p3 = new Vec3(towerX[2], towerY[2], h[2]);
        Vec3 s21 = p2.minus(p1);
        Vec3 s31 = p3.minus(p1);
        double d = s21.length();
        Vec3 ex = s21.times(1 / d);
        double i = ex.dot(s31);
        Vec3 vecEy = s31.minus(ex.times(i));
        Vec3 ey = vecEy.times(1 / vecEy.length());
        Vec3 ez = cross(ex, ey);
        double j = ey.dot(s31);
        double x = (arm2[0] - arm2[1] + d * d) / (2 * d);
        double y = (arm2[0] - arm2[2] - x * x + (x - i) * (x - i) + j * j) / (2 * j);
        double z = -Math.sqrt(Math.max(0, arm2[0] - x * x - y * y));
        return p1.plus(ex.times(x)).plus(ey.times(y)).plus(ez.times(z));
    }

    private static Vec3 cross(Vec3 a, Vec3 b) {
        return new Vec3(a.y() * b.z() - a.z() * b.y(), a.z() * b.x() - a.x() * b.z(), a.x() * b.y() - a.y() * b.x());
    }
}
