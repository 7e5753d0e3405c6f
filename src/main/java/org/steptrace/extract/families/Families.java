package org.steptrace.extract.families;

import java.util.List;
import org.steptrace.extract.Family;
import org.steptrace.extract.families.motion.TrapezoidPhases;

/** Every problem family, in a fixed order (the order entries are written and balanced in). */
public final class Families {
    private Families() {}

    public static List<Family> all() {
        return List.of(
                new TrapezoidPhases(),
                new org.steptrace.extract.families.motion.ExtrusionFlow(),
                new org.steptrace.extract.families.motion.HomingTrigger(),
                new org.steptrace.extract.families.realtime.LinkGoodput(),
                new org.steptrace.extract.families.errors.HostStallQueueDrain(),
                new org.steptrace.extract.families.realtime.ClockSyncPollBudget(),
                new org.steptrace.extract.families.motion.RetractionTiming());
    }
}
