package org.steptrace.extract.families;

import java.util.List;
import org.steptrace.extract.Family;
import org.steptrace.extract.families.motion.TrapezoidPhases;
import org.steptrace.extract.families.thermal.CoolingTimeConstant;
import org.steptrace.extract.families.thermal.DerivativeNoise;
import org.steptrace.extract.families.thermal.FopdtHeatingFit;
import org.steptrace.extract.families.thermal.HeatupOvershoot;
import org.steptrace.extract.families.thermal.InitialHeatingRate;
import org.steptrace.extract.families.thermal.RelayAutotuneGains;
import org.steptrace.extract.families.thermal.SteadyStateDuty;

/** Every problem family, in a fixed order (the order entries are written and balanced in). */
public final class Families {
    private Families() {}

    public static List<Family> all() {
        return List.of(
                new TrapezoidPhases(),
                new FopdtHeatingFit(),
                new RelayAutotuneGains(),
                new HeatupOvershoot(),
                new CoolingTimeConstant(),
                new SteadyStateDuty(),
                new InitialHeatingRate(),
                new DerivativeNoise());
    }
}
