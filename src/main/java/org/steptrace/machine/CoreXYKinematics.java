package org.steptrace.machine;

/** Two belts share the XY motion: a = x + y, b = x − y; z has its own actuator. */
public final class CoreXYKinematics implements Kinematics {
    @Override
    public int actuatorCount() {
        return 3;
    }

    @Override
    public double actuatorPosition(int index, Vec3 p) {
        return switch (index) {
            case 0 -> p.x() + p.y();
            case 1 -> p.x() - p.y();
            case 2 -> p.z();
            default -> throw new IndexOutOfBoundsException(index);
        };
    }

    @Override
    public double[] linearCoefficients(int index) {
        return switch (index) {
            case 0 -> new double[] {1, 1, 0};
            case 1 -> new double[] {1, -1, 0};
            case 2 -> new double[] {0, 0, 1};
            default -> throw new IndexOutOfBoundsException(index);
        };
    }

    @Override
    public Vec3 toolhead(double[] a) {
        return new Vec3((a[0] + a[1]) / 2, (a[0] - a[1]) / 2, a[2]);
    }
}
