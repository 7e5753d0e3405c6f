package org.steptrace.firmware.plant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.steptrace.firmware.board.BoardDefinition;
import org.steptrace.firmware.board.BoardLoader;

class HeaterPlantTest {
    /** Seconds at full power until the sensor reads {@code targetC}. */
    private static double heatUpS(HeaterParams p, double targetC) {
        HeaterPlant plant = new HeaterPlant(p);
        plant.heaterPin(0, 1);
        double t = 0;
        while (plant.sensorC() < targetC) {
            t += 0.1;
            plant.advanceTo(t);
        }
        return t;
    }

    @Test
    void builtInHeatersHeatAsRealOnesDo() {
        for (String name : BoardLoader.BUILT_IN) {
            BoardDefinition b = BoardLoader.builtIn(name);
            for (BoardDefinition.HeaterDef h : b.heaters()) {
                if (h.name().equals("extruder")) {
                    double t = heatUpS(h.plant(), 200);
                    assertTrue(t >= 60 && t <= 120, name + " hot end reaches 200 C in " + t + " s");
                } else {
                    double t = heatUpS(h.plant(), 60);
                    assertTrue(t >= 120 && t <= 300, name + " bed reaches 60 C in " + t + " s");
                    assertTrue(h.plant().powerW() >= 200 && h.plant().powerW() <= 300);
                }
            }
        }
    }

    @Test
    void exactIntegrationMatchesAFineNumericalSolution() {
        HeaterParams p = new HeaterParams(40, 14, 0.09, 25, 1.5, 0.4);
        HeaterPlant exact = new HeaterPlant(p);
        // Soft PWM at 10 Hz with 37 % duty for 60 s, in one jump per switching.
        for (int i = 0; i < 600; i++) {
            exact.heaterPin(i * 0.1, 1);
            exact.heaterPin(i * 0.1 + 0.037, 0);
        }
        exact.advanceTo(60.4);
        double block = 25;
        double sensor = 25;
        double dt = 1e-5;
        for (long n = 0; n < (long) (60.4 / dt); n++) {
            double t = n * dt - 0.4; // dead time: the block feels the pin 0.4 s late
            boolean on = t >= 0 && t < 60 && (t % 0.1) < 0.037;
            double power = on ? 40 : 0;
            double dBlock = (power - 0.09 * (block - 25)) / 14 * dt;
            double dSensor = (block - sensor) / 1.5 * dt;
            block += dBlock;
            sensor += dSensor;
        }
        assertEquals(block, exact.blockC(), 0.05);
        assertEquals(sensor, exact.sensorC(), 0.05);
        assertTrue(exact.blockC() > 70, "14.8 W on average for 60 s warms the block about 50 K");
    }

    @Test
    void faultsChangeThePhysics() {
        HeaterParams p = new HeaterParams(40, 14, 0.09, 25, 1.5, 0.4);
        HeaterPlant dead = new HeaterPlant(p);
        dead.setHeaterDead(true);
        dead.heaterPin(0, 1);
        dead.advanceTo(100);
        assertEquals(25, dead.blockC(), 1e-9);
        HeaterPlant stuck = new HeaterPlant(p);
        stuck.setHeaterStuckOn(true);
        stuck.advanceTo(100);
        assertTrue(stuck.blockC() > 150);
        HeaterPlant detached = new HeaterPlant(p);
        detached.heaterPin(0, 1);
        detached.advanceTo(100);
        detached.setSensorDetached(true);
        detached.advanceTo(130);
        assertTrue(detached.blockC() > 200 && detached.sensorC() < 30, detached.sensorC() + " " + detached.blockC());
    }
}
