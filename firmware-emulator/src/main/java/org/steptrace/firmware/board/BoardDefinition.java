package org.steptrace.firmware.board;

import java.util.List;
import org.steptrace.firmware.McuSpec;
import org.steptrace.firmware.faults.Fault;
import org.steptrace.firmware.plant.HeaterParams;
import org.steptrace.machine.Kinematics;
import org.steptrace.machine.ThermistorCircuit;
import org.steptrace.machine.Vec3;

/** A simulated board as its file describes it (see boards/README.md). */
public record BoardDefinition(
        String name,
        String description,
        McuSpec mcu,
        String kinematicsName,
        Kinematics kinematics,
        Vec3 initialPositionMm,
        List<StepperDef> steppers,
        List<EndstopDef> endstops,
        List<HeaterDef> heaters,
        List<FanDef> fans,
        List<Fault> faults) {

    /** A motor: its pins, its travel per step and which actuator it drives (−1: an extruder). */
    public record StepperDef(String name, String stepPin, String dirPin, String enablePin, double stepsPerMm,
                             boolean dirHighIsPositive, int actuator) {}

    /**
     * An endstop switch on a toolhead axis ("x", "y", "z") or a carriage ("carriage0".."carriage2"),
     * at the {@code max} or min end, closing at {@code triggerMm}.
     */
    public record EndstopDef(String name, String pin, String axis, boolean atMax, double triggerMm,
                             double hysteresisMm, int closedLevel) {}

    public record HeaterDef(String name, String heaterPin, String sensorPin, HeaterParams plant,
                            ThermistorCircuit thermistor, double adcNoiseLsbRms) {}

    public record FanDef(String name, String pin) {}

    public BoardDefinition {
        steppers = List.copyOf(steppers);
        endstops = List.copyOf(endstops);
        heaters = List.copyOf(heaters);
        fans = List.copyOf(fans);
        faults = List.copyOf(faults);
    }

    /** The same board with other heaters (a scenario varying the plant's constants). */
    public BoardDefinition withHeaters(List<HeaterDef> replaced) {
        return new BoardDefinition(name, description, mcu, kinematicsName, kinematics, initialPositionMm, steppers,
                endstops, replaced, fans, faults);
    }

    public BoardDefinition withFaults(List<Fault> more) {
        List<Fault> all = new java.util.ArrayList<>(faults);
        all.addAll(more);
        return new BoardDefinition(name, description, mcu, kinematicsName, kinematics, initialPositionMm, steppers,
                endstops, heaters, fans, all);
    }
}
