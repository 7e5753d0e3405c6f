package org.steptrace.host.thermal;

/**
 * The thermal-runaway check, once a second: while well below target, the heater must keep
 * gaining {@code heatingGainC} within {@code checkGainTimeS}; once it stops, the shortfall below
 * target is integrated and {@code maxErrorCS} of it is a fault. Near or above target the
 * integral is dropped (once within the hysteresis both ways).
 */
public final class VerifyHeater {
    private final String heater;
    private final double maxErrorCS;
    private final double checkGainTimeS;
    private final double hysteresisC;
    private final double heatingGainC;
    private double error;
    private boolean approaching;
    private boolean starting;
    private double goalTempC;
    private double goalTimeS;
    private double lastTargetC;

    public VerifyHeater(String heater, double maxErrorCS, double checkGainTimeS, double hysteresisC, double heatingGainC) {
        this.heater = heater;
        this.maxErrorCS = maxErrorCS;
        this.checkGainTimeS = checkGainTimeS;
        this.hysteresisC = hysteresisC;
        this.heatingGainC = heatingGainC;
    }

    /** The defaults: 120 °C·s, 20 s to gain 2 °C (60 s for a bed), 5 °C hysteresis. */
    public static VerifyHeater defaults(String heater) {
        return new VerifyHeater(heater, 120, heater.equals("heater_bed") ? 60 : 20, 5, 2);
    }

    /** Checks one second's state; returns the fault or null. */
    public String check(double nowS, double tempC, double targetC) {
        if (tempC >= targetC - hysteresisC || targetC <= 0) {
            approaching = false;
            starting = false;
            if (tempC <= targetC + hysteresisC) error = 0;
            lastTargetC = targetC;
            return null;
        }
        error += (targetC - hysteresisC) - tempC;
        String fault = null;
        if (!approaching) {
            if (targetC != lastTargetC) {
                approaching = true;
                starting = true;
                goalTempC = tempC + heatingGainC;
                goalTimeS = nowS + checkGainTimeS;
            } else if (error >= maxErrorCS) {
                fault = "Heater " + heater + " not heating at expected rate";
            }
        } else if (tempC >= goalTempC) {
            starting = false;
            error = 0;
            goalTempC = tempC + heatingGainC;
            goalTimeS = nowS + checkGainTimeS;
        } else if (nowS >= goalTimeS) {
            approaching = false;
        } else if (starting) {
            goalTempC = Math.min(goalTempC, tempC + heatingGainC);
        }
        lastTargetC = targetC;
        return fault;
    }
}
