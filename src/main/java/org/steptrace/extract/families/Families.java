package org.steptrace.extract.families;

import java.util.List;
import org.steptrace.extract.Family;
import org.steptrace.extract.families.motion.ArcChordSpeed;
import org.steptrace.extract.families.motion.CoreXYMotorMotion;
import org.steptrace.extract.families.motion.DeltaCarriageHeights;
import org.steptrace.extract.families.motion.JunctionCornerSpeed;
import org.steptrace.extract.families.motion.StepClockOfStep;
import org.steptrace.extract.families.motion.StepIntervalVelocity;
import org.steptrace.extract.families.motion.StepsForMove;
import org.steptrace.extract.families.motion.TrapezoidPhases;
import org.steptrace.extract.families.motion.TrianglePeakSpeed;

/** Every problem family, in a fixed order (the order entries are written and balanced in). */
public final class Families {
    private Families() {}

    public static List<Family> all() {
        return List.of(
                new TrapezoidPhases(),
                new TrianglePeakSpeed(),
                new JunctionCornerSpeed(),
                new StepClockOfStep(),
                new StepIntervalVelocity(),
                new StepsForMove(),
                new CoreXYMotorMotion(),
                new DeltaCarriageHeights(),
                new ArcChordSpeed());
    }
}
