package org.steptrace.extract.families;

import java.util.List;
import org.steptrace.extract.Family;
import org.steptrace.extract.families.motion.TrapezoidPhases;
import org.steptrace.extract.families.realtime.ClockDrift;
import org.steptrace.extract.families.realtime.ClockOffsetPrediction;
import org.steptrace.extract.families.realtime.McuTaskLoad;
import org.steptrace.extract.families.realtime.MessageBatching;
import org.steptrace.extract.families.realtime.PeakStepRate;
import org.steptrace.extract.families.realtime.SerialUtilisation;
import org.steptrace.extract.families.realtime.StepCompressionRatio;
import org.steptrace.extract.families.realtime.SchedulingLeadTime;

/** Every problem family, in a fixed order (the order entries are written and balanced in). */
public final class Families {
    private Families() {}

    public static List<Family> all() {
        return List.of(
                new TrapezoidPhases(),
                new ClockDrift(),
                new ClockOffsetPrediction(),
                new SchedulingLeadTime(),
                new McuTaskLoad(),
                new SerialUtilisation(),
                new PeakStepRate(),
                new MessageBatching(),
                new StepCompressionRatio());
    }
}
