package org.steptrace.firmware.plant;

import java.util.List;
import org.steptrace.machine.Kinematics;
import org.steptrace.machine.Vec3;

/**
 * The moving parts: motors turn step counts into actuator travel, the kinematics turns actuator
 * travel into a toolhead position, and endstop switches close where the carriage meets them.
 */
public final class Mechanism {
    /** A motor on a step pin; {@code actuator} −1 for an extruder (travel only counted). */
    public record Motor(String name, int stepPin, int actuator, double mmPerStep, double originMm) {}

    /**
     * A switch that closes when {@code axis} (0..2 toolhead x/y/z, or 3 + i for carriage i)
     * reaches {@code triggerMm} from the {@code atMax} side and opens again past the hysteresis.
     */
    public record Switch(String name, int pin, int axis, boolean atMax, double triggerMm, double hysteresisMm, int closedLevel) {}

    private final Kinematics kinematics;
    private final Motor[] motorByPin;
    private final double[] actuatorMm;
    /** Filament pushed, by the extruder motor's step pin (no search on the step path). */
    private final double[] extruderMmByPin;
    private final List<Motor> motors;
    private final Switch[] switchByPin;
    private final int[] switchIndexByPin;
    private final boolean[] closed;
    private final List<Switch> switches;

    public Mechanism(Kinematics kinematics, Vec3 initialPosition, List<Motor> motors, List<Switch> switches) {
        this.kinematics = kinematics;
        this.motors = List.copyOf(motors);
        this.switches = List.copyOf(switches);
        int maxPin = 0;
        for (Motor m : motors) maxPin = Math.max(maxPin, m.stepPin());
        for (Switch s : switches) maxPin = Math.max(maxPin, s.pin());
        this.motorByPin = new Motor[maxPin + 1];
        this.switchByPin = new Switch[maxPin + 1];
        this.switchIndexByPin = new int[maxPin + 1];
        this.closed = new boolean[switches.size()];
        this.actuatorMm = kinematics.actuatorPositions(initialPosition);
        this.extruderMmByPin = new double[maxPin + 1];
        for (Motor m : motors) motorByPin[m.stepPin()] = m;
        for (int i = 0; i < switches.size(); i++) {
            switchByPin[switches.get(i).pin()] = switches.get(i);
            switchIndexByPin[switches.get(i).pin()] = i;
        }
    }

    /** The stepper on {@code stepPin} now has step count {@code position}. */
    public void stepped(int stepPin, int position) {
        if (stepPin >= motorByPin.length) return;
        Motor m = motorByPin[stepPin];
        if (m == null) return;
        double mm = m.originMm() + position * m.mmPerStep();
        if (m.actuator() >= 0) actuatorMm[m.actuator()] = mm;
        else extruderMmByPin[stepPin] = mm;
    }

    public boolean hasSwitch(int pin) {
        return pin < switchByPin.length && switchByPin[pin] != null;
    }

    /** The level a switch pin reads now. */
    public int switchLevel(int pin) {
        Switch s = switchByPin[pin];
        int i = switchIndexByPin[pin];
        double v = axisValue(s.axis());
        double beyond = s.atMax() ? v - s.triggerMm() : s.triggerMm() - v;
        if (beyond >= 0) closed[i] = true;
        else if (beyond < -s.hysteresisMm()) closed[i] = false;
        return closed[i] ? s.closedLevel() : 1 - s.closedLevel();
    }

    private double axisValue(int axis) {
        if (axis >= 3) return actuatorMm[axis - 3];
        Vec3 p = toolhead();
        return axis == 0 ? p.x() : axis == 1 ? p.y() : p.z();
    }

    public Vec3 toolhead() {
        return kinematics.toolhead(actuatorMm);
    }

    public double actuatorMm(int actuator) {
        return actuatorMm[actuator];
    }

    /** Filament pushed by the extruder motor named {@code name}. */
    public double extruderMm(String name) {
        for (Motor m : motors) {
            if (m.name().equals(name) && m.actuator() < 0) return extruderMmByPin[m.stepPin()];
        }
        throw new IllegalArgumentException("no motor " + name);
    }

    public List<Motor> motors() {
        return motors;
    }
}
