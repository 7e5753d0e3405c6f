package org.steptrace.firmware.plant;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.steptrace.firmware.PinIo;
import org.steptrace.firmware.faults.Fault;

/**
 * The simulated board behind the MCU's pins: mechanism and endstops, heaters with their
 * thermistors, fans and plain outputs. Injected faults take effect as emulated time passes
 * their moment and are reported to a listener when they do.
 */
public final class BoardPlant implements PinIo {
    /** A heater: its output pin, its sensor's ADC pin, its plant and its sensor. */
    public record Heater(String name, int heaterPin, int sensorPin, HeaterPlant plant, ThermistorSensor sensor) {}

    /** Told when an injected fault takes effect. */
    public interface FaultListener {
        void faultApplied(Fault fault, double atS);
    }

    private final double clockHz;
    private final Mechanism mechanism;
    private final List<Heater> heaters;
    private final Map<Integer, Heater> byHeaterPin = new HashMap<>();
    private final Map<Integer, Heater> bySensorPin = new HashMap<>();
    private final Map<Integer, Integer> outputLevels = new HashMap<>();
    private final List<Fault> pendingFaults;
    private final FaultListener faultListener;

    public BoardPlant(double clockHz, Mechanism mechanism, List<Heater> heaters, List<Fault> faults, FaultListener listener) {
        this.clockHz = clockHz;
        this.mechanism = mechanism;
        this.heaters = List.copyOf(heaters);
        for (Heater h : heaters) {
            byHeaterPin.put(h.heaterPin(), h);
            bySensorPin.put(h.sensorPin(), h);
        }
        this.pendingFaults = new ArrayList<>(faults);
        this.pendingFaults.sort(Comparator.comparingDouble(Fault::atS));
        this.faultListener = listener;
        for (Fault f : faults) {
            if (f.kind().isThermal()) heaterFor(f);
        }
    }

    private Heater heaterFor(Fault f) {
        if (heaters.isEmpty()) throw new IllegalArgumentException("fault " + f + ": the board has no heater");
        if (f.heater() == null) return heaters.get(0);
        return heaters.stream().filter(h -> h.name().equals(f.heater())).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("fault " + f + ": no heater named '" + f.heater() + "'"));
    }

    private void applyFaultsUpTo(double tS) {
        while (!pendingFaults.isEmpty() && pendingFaults.get(0).atS() <= tS) {
            Fault f = pendingFaults.remove(0);
            if (f.kind().isThermal()) {
                Heater h = heaterFor(f);
                h.plant().advanceTo(f.atS());
                switch (f.kind()) {
                    case THERMISTOR_OPEN -> h.sensor().setWiring(ThermistorSensor.Wiring.OPEN);
                    case THERMISTOR_SHORT -> h.sensor().setWiring(ThermistorSensor.Wiring.SHORT);
                    case HEATER_DEAD -> h.plant().setHeaterDead(true);
                    case HEATER_STUCK_ON -> h.plant().setHeaterStuckOn(true);
                    case THERMISTOR_DETACHED -> h.plant().setSensorDetached(true);
                    default -> throw new IllegalStateException(f.kind().toString());
                }
            }
            faultListener.faultApplied(f, f.atS());
        }
    }

    /** Lets faults and heaters catch up to {@code tS} even when no pin is touched. */
    public void advanceTo(double tS) {
        applyFaultsUpTo(tS);
        for (Heater h : heaters) h.plant().advanceTo(tS);
    }

    /** When the next fault is due, or +infinity. */
    public double nextFaultS() {
        return pendingFaults.isEmpty() ? Double.POSITIVE_INFINITY : pendingFaults.get(0).atS();
    }

    @Override
    public int readDigital(int pin, long tick) {
        applyFaultsUpTo(tick / clockHz);
        if (mechanism.hasSwitch(pin)) return mechanism.switchLevel(pin);
        return outputLevels.getOrDefault(pin, 0);
    }

    @Override
    public int readAdc(int pin, long tick) {
        double t = tick / clockHz;
        applyFaultsUpTo(t);
        Heater h = bySensorPin.get(pin);
        if (h == null) return 0;
        h.plant().advanceTo(t);
        return h.sensor().convert(h.plant().sensorC());
    }

    @Override
    public void writeDigital(int pin, int level, long tick) {
        double t = tick / clockHz;
        applyFaultsUpTo(t);
        outputLevels.put(pin, level);
        Heater h = byHeaterPin.get(pin);
        if (h != null) h.plant().heaterPin(t, level);
    }

    @Override
    public void stepped(int stepPin, long tick, int position) {
        mechanism.stepped(stepPin, position);
    }

    public Mechanism mechanism() {
        return mechanism;
    }

    public List<Heater> heaters() {
        return heaters;
    }

    public Heater heater(String name) {
        return heaters.stream().filter(h -> h.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no heater named '" + name + "'"));
    }
}
