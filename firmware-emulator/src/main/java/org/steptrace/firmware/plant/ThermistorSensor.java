package org.steptrace.firmware.plant;

import java.util.SplittableRandom;
import org.steptrace.machine.ThermistorCircuit;

/**
 * The thermistor divider seen through the MCU's ADC: one conversion is the divider's fraction
 * of ADC_MAX plus Gaussian noise (seeded), rounded and clipped. An open thermistor reads full
 * scale, a shorted one zero.
 */
public final class ThermistorSensor {
    public enum Wiring { OK, OPEN, SHORT }

    private final ThermistorCircuit circuit;
    private final int adcMax;
    private final double noiseLsbRms;
    private final SplittableRandom random;
    private Wiring wiring = Wiring.OK;

    public ThermistorSensor(ThermistorCircuit circuit, int adcMax, double noiseLsbRms, long seed) {
        this.circuit = circuit;
        this.adcMax = adcMax;
        this.noiseLsbRms = noiseLsbRms;
        this.random = new SplittableRandom(seed);
    }

    public int convert(double sensorC) {
        double fraction = switch (wiring) {
            case OK -> circuit.adcFraction(sensorC);
            case OPEN -> 1.0;
            case SHORT -> 0.0;
        };
        double raw = fraction * adcMax + gaussian() * noiseLsbRms;
        return (int) Math.max(0, Math.min(adcMax, Math.round(raw)));
    }

    /** Box–Muller on the seeded generator, so runs reproduce from their seed. */
    private double gaussian() {
        if (noiseLsbRms == 0) return 0;
        double u1 = 1 - random.nextDouble();
        double u2 = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    public ThermistorCircuit circuit() {
        return circuit;
    }

    public void setWiring(Wiring wiring) {
        this.wiring = wiring;
    }
}
