package org.steptrace.machine;

/** One actuator per axis: x, y and z. */
public final class CartesianKinematics implements Kinematics {
    @Override
    public int actuatorCount() {
        return 3;
    }

    @Override
    public double actuatorPosition(int index, Vec3 p) {
        return switch (index) {
            case 0 -> p.x();
            case 1 -> p.y();
            case 2 -> p.z();
            default -> throw new IndexOutOfBoundsException(index);
        };
    }

    @Override
    public double[] linearCoefficients(int index) {
        double[] c = new double[3];
        c[index] = 1;
        return c;
    }

    @Override
    public Vec3 toolhead(double[] a) {
        return new Vec3(a[0], a[1], a[2]);
    }
}
