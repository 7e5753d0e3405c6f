package org.steptrace.extract.families;

import java.util.List;
import org.steptrace.extract.Family;
import org.steptrace.extract.families.errors.ClockExtension;
import org.steptrace.extract.families.errors.CrcDetection;
import org.steptrace.extract.families.errors.LateCommand;
import org.steptrace.extract.families.errors.LostCommDetection;
import org.steptrace.extract.families.errors.MoveQueueBudget;
import org.steptrace.extract.families.errors.RetransmitRecovery;
import org.steptrace.extract.families.errors.RtoFromRtt;
import org.steptrace.extract.families.errors.ShutdownSequence;
import org.steptrace.extract.families.motion.TrapezoidPhases;

/** Every problem family, in a fixed order (the order entries are written and balanced in). */
public final class Families {
    private Families() {}

    public static List<Family> all() {
        return List.of(
                new TrapezoidPhases(),
                new CrcDetection(),
                new RetransmitRecovery(),
                new RtoFromRtt(),
                new LostCommDetection(),
                new ShutdownSequence(),
                new ClockExtension(),
                new LateCommand(),
                new MoveQueueBudget());
    }
}
