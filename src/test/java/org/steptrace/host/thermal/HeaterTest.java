package org.steptrace.host.thermal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.steptrace.host.mcu.McuConfigPlan;
import org.steptrace.machine.Thermistor;
import org.steptrace.machine.ThermistorCircuit;

class HeaterTest {
    private static final ThermistorCircuit CIRCUIT = new ThermistorCircuit(Thermistor.named("Generic 3950"), 4700, 0);

    /** Feeds readings every 0.3 s along {@code tempAt}; returns when the stuck-on check fired (s), or NaN. */
    private static double firstOverTemperature(Heater h, java.util.function.DoubleUnaryOperator tempAt, double forS) {
        for (double t = 0; t < forS; t += 0.3) {
            h.reading(t, CIRCUIT.adcFraction(tempAt.applyAsDouble(t)));
            if (h.overTemperatureFault() != null) return t;
        }
        return Double.NaN;
    }

    @Test
    void aHeaterOffThatKeepsHeatingIsCaughtButOneWarmedByItsNeighbourIsNot() {
        // A stuck-on bed from room temperature: 0.24 °C/s.
        Heater stuck = new Heater("heater_bed", CIRCUIT, 1, 1, new BangBangControl(2, 1), (at, duty) -> {});
        double caught = firstOverTemperature(stuck, t -> 25 + 0.24 * t, 300);
        assertTrue(caught <= 120, "caught after " + caught + " s");
        // A hot end warmed by the bed next to it: 0.05 °C/s for minutes.
        Heater warmed = new Heater("extruder", CIRCUIT, 1, 1, new BangBangControl(2, 1), (at, duty) -> {});
        assertTrue(Double.isNaN(firstOverTemperature(warmed, t -> 25 + 0.05 * t, 600)), "no fault for slow warming");
        // Cooling down from a print with the target at 0: falling, never a fault.
        Heater cooling = new Heater("extruder", CIRCUIT, 1, 1, new BangBangControl(2, 1), (at, duty) -> {});
        assertTrue(Double.isNaN(firstOverTemperature(cooling, t -> 25 + 175 * Math.exp(-t / 150), 600)));
    }

    @Test
    void smallChangesAreSuppressedButRefreshedBeforeTheDeadline() {
        List<double[]> sent = new ArrayList<>();
        Heater h = new Heater("extruder", CIRCUIT, 1, 1, new TemperatureControl() {
            @Override
            public double update(double timeS, double tempC, double targetC) {
                return 0.50 + 0.01 * Math.sin(timeS);
            }

            @Override
            public boolean busy(double smoothedC, double targetC) {
                return false;
            }
        }, (at, duty) -> sent.add(new double[] {at, duty}));
        h.setTarget(200);
        for (double t = 0; t < 20; t += 0.3) h.reading(t, CIRCUIT.adcFraction(190));
        assertTrue(sent.size() >= 8 && sent.size() <= 10, sent.size() + " updates in 20 s");
        for (int i = 1; i < sent.size(); i++) {
            // Due 2.099 s after the last update's time (max_duration less three reports), that is
            // 2.399 s after its reading, and sent at the first reading from then on (0.3 s apart).
            double gap = sent.get(i)[0] - sent.get(i - 1)[0];
            assertTrue(gap <= Heater.REFRESH_AFTER_S + 2 * Heater.REPORT_TIME_S + 1e-9 && gap < 3.0, "refreshed " + gap + " s after the last");
        }
        assertEquals(0.3, sent.get(0)[0], 1e-9, "a report period after the reading");
    }

    @Test
    void anInvertedPinGetsTheComplementaryOnTime() {
        assertEquals(500, McuConfigPlan.onTicks(0.5, 1000, false));
        assertEquals(1000, McuConfigPlan.onTicks(0, 1000, true));
        assertEquals(250, McuConfigPlan.onTicks(0.75, 1000, true));
        assertEquals(1, McuConfigPlan.onTicks(0.0005, 1000, false), "rounded to the nearest tick");
    }

    @Test
    void theAutotuneMovesTheTargetTheRunawayCheckSeesWhileOff() {
        RelayAutotune tune = new RelayAutotune(1);
        Heater h = new Heater("extruder", CIRCUIT, 1, 1, tune, (at, duty) -> {});
        h.setTarget(200);
        h.reading(0, CIRCUIT.adcFraction(100));
        assertEquals(200, h.targetC(), "heating towards the target");
        h.reading(0.3, CIRCUIT.adcFraction(201));
        assertEquals(195, h.targetC(), 1e-9, "off: 5 °C lower");
        assertNull(h.overTemperatureFault());
        assertNotNull(tune.peaks());
    }
}
