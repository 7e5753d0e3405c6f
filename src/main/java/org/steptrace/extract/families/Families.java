package org.steptrace.extract.families;

import java.util.List;
import org.steptrace.extract.Family;
import org.steptrace.extract.families.errors.HeaterVerifyDetection;
import org.steptrace.extract.families.errors.HostStallExposure;
import org.steptrace.extract.families.errors.StuckHeaterEnergy;
import org.steptrace.extract.families.errors.ThermistorFaultDetection;
import org.steptrace.extract.families.motion.TrapezoidPhases;
import org.steptrace.extract.families.thermal.AdcRangeLimits;
import org.steptrace.extract.families.thermal.AdcTemperature;
import org.steptrace.extract.families.thermal.BangBangCycle;

/** Every problem family, in a fixed order (the order entries are written and balanced in). */
public final class Families {
    private Families() {}

    public static List<Family> all() {
        return List.of(
                new TrapezoidPhases(),
                new AdcTemperature(),
                new AdcRangeLimits(),
                new BangBangCycle(),
                new ThermistorFaultDetection(),
                new HeaterVerifyDetection(),
                new StuckHeaterEnergy(),
                new HostStallExposure());
    }
}
