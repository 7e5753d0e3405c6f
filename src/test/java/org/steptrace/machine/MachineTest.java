package org.steptrace.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import org.junit.jupiter.api.Test;

class MachineTest {
    private static final DeltaKinematics DELTA = new DeltaKinematics(140, new double[] {300, 301, 299.5}, new double[] {210, 330, 90});

    @Property(tries = 500)
    void everyGeometryInvertsItsForwardMap(@ForAll @DoubleRange(min = -90, max = 90) double x,
                                           @ForAll @DoubleRange(min = -90, max = 90) double y,
                                           @ForAll @DoubleRange(min = 0, max = 250) double z) {
        Vec3 p = new Vec3(x, y, z);
        for (Kinematics k : List.of(new CartesianKinematics(), new CoreXYKinematics(), DELTA)) {
            Vec3 back = k.toolhead(k.actuatorPositions(p));
            assertEquals(0, back.minus(p).length(), 1e-7, k.getClass().getSimpleName());
        }
    }

    @Test
    void deltaCarriageHeightsFollowTheArmGeometry() {
        DeltaKinematics d = DeltaKinematics.symmetric(100, 250);
        double h = Math.sqrt(250 * 250 - 100 * 100);
        for (double a : d.actuatorPositions(new Vec3(0, 0, 10))) assertEquals(h + 10, a, 1e-9);
    }

    @Test
    void coreXyMixesTheBelts() {
        double[] a = new CoreXYKinematics().actuatorPositions(new Vec3(10, 3, 1));
        assertEquals(13, a[0], 0);
        assertEquals(7, a[1], 0);
    }

    @Test
    void thermistorsMatchTheirDefiningPoints() {
        Thermistor t = Thermistor.named("EPCOS 100K B57560G104F");
        assertTrue(t.c3() > 0);
        assertEquals(25, t.temperatureC(100000), 1e-6);
        assertEquals(150, t.temperatureC(1641.9), 1e-6);
        assertEquals(250, t.temperatureC(226.15), 1e-6);
        for (double c = 0; c <= 300; c += 12.5) assertEquals(c, t.temperatureC(t.resistanceOhm(c)), 1e-6);
        Thermistor b = Thermistor.beta(25, 100000, 3950);
        assertEquals(100000, b.resistanceOhm(25), 1e-6);
        for (double c = 0; c <= 300; c += 12.5) assertEquals(c, b.temperatureC(b.resistanceOhm(c)), 1e-6);
    }

    @Test
    void aFitWithoutPositiveC3FallsBackToBeta() {
        // Points from an exact beta curve have c3 = 0 up to rounding; the fit must not go negative.
        Thermistor beta = Thermistor.beta(25, 100000, 3950);
        Thermistor fit = Thermistor.fromPoints(25, 100000, 150, beta.resistanceOhm(150) * 0.98, 250, beta.resistanceOhm(250));
        assertEquals(0, fit.c3(), 0);
        assertEquals(250, fit.temperatureC(beta.resistanceOhm(250)), 1e-6);
    }

    @Test
    void theDividerMapsBothWays() {
        ThermistorCircuit c = new ThermistorCircuit(Thermistor.named("Generic 3950"), 4700, 0);
        for (double t = 10; t <= 290; t += 20) assertEquals(t, c.temperatureC(c.adcFraction(t)), 1e-6);
        assertTrue(c.adcFraction(25) > 0.95 && c.adcFraction(250) < 0.1);
    }
}
