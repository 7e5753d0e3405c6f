package org.steptrace.firmware.board;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.steptrace.firmware.Mcu;
import org.steptrace.firmware.McuTap;
import org.steptrace.firmware.RealtimeRunner;
import org.steptrace.firmware.plant.BoardPlant;
import org.steptrace.firmware.plant.HeaterPlant;
import org.steptrace.firmware.plant.Mechanism;
import org.steptrace.firmware.plant.ThermistorSensor;
import org.steptrace.protocol.Enumeration;
import org.steptrace.protocol.McuTransport;

/** A board file made real: the emulated MCU wired to its simulated plant, seeded. */
public final class EmulatedBoard implements RealtimeRunner.Target {
    private final BoardDefinition definition;
    private final long seed;
    private final BoardPlant plant;
    private final Mcu mcu;

    public EmulatedBoard(BoardDefinition definition, long seed, McuTap tap, McuTransport.Output output,
                         BoardPlant.FaultListener faultListener) {
        this.definition = definition;
        this.seed = seed;
        Enumeration pins = Enumeration.fromDefinition("pin", definition.mcu().pins());
        this.plant = new BoardPlant(definition.mcu().clockFrequencyHz(), mechanism(definition, pins),
                heaters(definition, pins, seed), definition.faults(), faultListener);
        this.mcu = new Mcu(definition.mcu(), plant, tap, output);
    }

    private static int pin(Enumeration pins, String name) {
        return (int) (long) pins.valueOf(name).orElseThrow();
    }

    private static Mechanism mechanism(BoardDefinition d, Enumeration pins) {
        List<Mechanism.Motor> motors = new ArrayList<>();
        for (BoardDefinition.StepperDef s : d.steppers()) {
            double origin = s.actuator() >= 0 ? d.kinematics().actuatorPosition(s.actuator(), d.initialPositionMm()) : 0;
            double mmPerStep = (s.dirHighIsPositive() ? 1 : -1) / s.stepsPerMm();
            motors.add(new Mechanism.Motor(s.name(), pin(pins, s.stepPin()), s.actuator(), mmPerStep, origin));
        }
        List<Mechanism.Switch> switches = new ArrayList<>();
        for (BoardDefinition.EndstopDef e : d.endstops()) {
            int axis = switch (e.axis()) {
                case "x" -> 0;
                case "y" -> 1;
                case "z" -> 2;
                default -> 3 + Integer.parseInt(e.axis().substring("carriage".length()));
            };
            switches.add(new Mechanism.Switch(e.name(), pin(pins, e.pin()), axis, e.atMax(), e.triggerMm(), e.hysteresisMm(), e.closedLevel()));
        }
        return new Mechanism(d.kinematics(), d.initialPositionMm(), motors, switches);
    }

    private static List<BoardPlant.Heater> heaters(BoardDefinition d, Enumeration pins, long seed) {
        SplittableRandom seeds = new SplittableRandom(seed);
        List<BoardPlant.Heater> out = new ArrayList<>();
        for (BoardDefinition.HeaterDef h : d.heaters()) {
            out.add(new BoardPlant.Heater(h.name(), pin(pins, h.heaterPin()), pin(pins, h.sensorPin()), new HeaterPlant(h.plant()),
                    new ThermistorSensor(h.thermistor(), d.mcu().adcMax(), h.adcNoiseLsbRms(), seeds.nextLong())));
        }
        return out;
    }

    public BoardDefinition definition() {
        return definition;
    }

    public long seed() {
        return seed;
    }

    @Override
    public Mcu mcu() {
        return mcu;
    }

    /** Lets the plant (heaters, faults) catch up with emulated time even when no pin is touched. */
    @Override
    public void advanceTo(double seconds) {
        plant.advanceTo(seconds);
    }

    public BoardPlant plant() {
        return plant;
    }
}
