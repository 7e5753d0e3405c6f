package org.steptrace.firmware.plant;

import java.util.ArrayDeque;

/**
 * A heater block and its sensor, integrated exactly: between heater switchings the two-node
 * linear model has a closed-form solution, so time can jump any distance without error. Pin
 * changes reach the block after the dead time. Faults change what the plant does, not how it
 * is integrated.
 */
public final class HeaterPlant {
    private record Switch(double atS, int level) {}

    private final HeaterParams p;
    private final ArrayDeque<Switch> pending = new ArrayDeque<>();
    private double timeS;
    private double blockC;
    private double sensorC;
    private int appliedLevel;
    private boolean heaterDead;
    private boolean heaterStuckOn;
    private boolean sensorDetached;

    public HeaterPlant(HeaterParams params) {
        this.p = params;
        this.blockC = params.ambientC();
        this.sensorC = params.ambientC();
    }

    public HeaterParams params() {
        return p;
    }

    /** The heater pin went to {@code level} at {@code atS}; the block feels it after the dead time. */
    public void heaterPin(double atS, int level) {
        advanceTo(atS);
        pending.add(new Switch(atS + p.deadTimeS(), level));
    }

    /** Integrates up to {@code tS} (never backwards). */
    public void advanceTo(double tS) {
        while (!pending.isEmpty() && pending.peek().atS() <= tS) {
            Switch s = pending.poll();
            integrate(s.atS());
            appliedLevel = s.level();
        }
        integrate(tS);
    }

    private void integrate(double tS) {
        double dt = tS - timeS;
        if (dt <= 0) return;
        double powerW = heaterDead ? 0 : (heaterStuckOn || appliedLevel == 1 ? p.powerW() : 0);
        double a = p.lossWPerK() / p.heatCapacityJPerK();
        double k = 1 / p.sensorTimeConstantS();
        double blockInf = p.ambientC() + powerW / p.lossWPerK();
        double b0 = blockC - blockInf;
        double ea = Math.exp(-a * dt);
        double ek = Math.exp(-k * dt);
        double newSensor;
        if (sensorDetached) {
            // A loose sensor only sees the air around the block.
            newSensor = p.ambientC() + (sensorC - p.ambientC()) * ek;
        } else {
            // s' = k(block − s) with block − blockInf = b0·e^(−a t): closed form, and its k = a limit.
            double forced = Math.abs(k - a) < 1e-9 * Math.max(k, a) ? b0 * k * dt * ea : b0 * k / (k - a) * (ea - ek);
            newSensor = blockInf + (sensorC - blockInf) * ek + forced;
        }
        blockC = blockInf + b0 * ea;
        sensorC = newSensor;
        timeS = tS;
    }

    public double timeS() {
        return timeS;
    }

    /** The block's true temperature. */
    public double blockC() {
        return blockC;
    }

    /** What the thermistor's body is at. */
    public double sensorC() {
        return sensorC;
    }

    public void setHeaterDead(boolean dead) {
        heaterDead = dead;
    }

    public void setHeaterStuckOn(boolean stuck) {
        heaterStuckOn = stuck;
    }

    public void setSensorDetached(boolean detached) {
        sensorDetached = detached;
    }
}
