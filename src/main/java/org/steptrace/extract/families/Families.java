package org.steptrace.extract.families;

import java.util.List;
import org.steptrace.extract.Family;
import org.steptrace.extract.families.motion.TrapezoidPhases;
import org.steptrace.extract.families.motion.CoreXYMotorMotion;
import org.steptrace.extract.families.motion.DeltaCarriageHeights;
import org.steptrace.extract.families.motion.ExtrusionFlow;
import org.steptrace.extract.families.motion.HomingTrigger;
import org.steptrace.extract.families.motion.JunctionCornerSpeed;
import org.steptrace.extract.families.motion.RetractionTiming;
import org.steptrace.extract.families.motion.StepClockOfStep;
import org.steptrace.extract.families.motion.StepIntervalVelocity;
import org.steptrace.extract.families.motion.StepsForMove;
import org.steptrace.extract.families.motion.TrianglePeakSpeed;
import org.steptrace.extract.families.thermal.AdcRangeLimits;
import org.steptrace.extract.families.thermal.AdcTemperature;
import org.steptrace.extract.families.thermal.BangBangCycle;
import org.steptrace.extract.families.thermal.CoolingTimeConstant;
import org.steptrace.extract.families.thermal.FopdtHeatingFit;
import org.steptrace.extract.families.thermal.HeatupOvershoot;
import org.steptrace.extract.families.thermal.InitialHeatingRate;
import org.steptrace.extract.families.thermal.RelayAutotuneGains;
import org.steptrace.extract.families.thermal.SteadyStateDuty;
import org.steptrace.extract.families.errors.ClockExtension;
import org.steptrace.extract.families.errors.CrcDetection;
import org.steptrace.extract.families.errors.HeaterVerifyDetection;
import org.steptrace.extract.families.errors.HostStallExposure;
import org.steptrace.extract.families.errors.HostStallQueueDrain;
import org.steptrace.extract.families.errors.LateCommand;
import org.steptrace.extract.families.errors.LostCommDetection;
import org.steptrace.extract.families.errors.RetransmitRecovery;
import org.steptrace.extract.families.errors.RtoFromRtt;
import org.steptrace.extract.families.errors.ShutdownSequence;
import org.steptrace.extract.families.errors.StuckHeaterEnergy;
import org.steptrace.extract.families.errors.ThermistorFaultDetection;
import org.steptrace.extract.families.realtime.ClockDrift;
import org.steptrace.extract.families.realtime.ClockOffsetPrediction;
import org.steptrace.extract.families.realtime.ClockSyncPollBudget;
import org.steptrace.extract.families.realtime.LinkGoodput;
import org.steptrace.extract.families.realtime.McuTaskLoad;
import org.steptrace.extract.families.realtime.MessageBatching;
import org.steptrace.extract.families.realtime.PeakStepRate;
import org.steptrace.extract.families.realtime.SchedulingLeadTime;
import org.steptrace.extract.families.realtime.SerialUtilisation;
import org.steptrace.extract.families.realtime.StepCompressionRatio;

/** Every problem family, in a fixed order (the order entries are written and balanced in): by category, then by name. */
public final class Families {
    private Families() {}

    public static List<Family> all() {
        return List.of(
                new TrapezoidPhases(),
                new CoreXYMotorMotion(),
                new DeltaCarriageHeights(),
                new ExtrusionFlow(),
                new HomingTrigger(),
                new JunctionCornerSpeed(),
                new RetractionTiming(),
                new StepClockOfStep(),
                new StepIntervalVelocity(),
                new StepsForMove(),
                new TrianglePeakSpeed(),
                new AdcRangeLimits(),
                new AdcTemperature(),
                new BangBangCycle(),
                new CoolingTimeConstant(),
                new FopdtHeatingFit(),
                new HeatupOvershoot(),
                new InitialHeatingRate(),
                new RelayAutotuneGains(),
                new SteadyStateDuty(),
                new ClockExtension(),
                new CrcDetection(),
                new HeaterVerifyDetection(),
                new HostStallExposure(),
                new HostStallQueueDrain(),
                new LateCommand(),
                new LostCommDetection(),
                new RetransmitRecovery(),
                new RtoFromRtt(),
                new ShutdownSequence(),
                new StuckHeaterEnergy(),
                new ThermistorFaultDetection(),
                new ClockDrift(),
                new ClockOffsetPrediction(),
                new ClockSyncPollBudget(),
                new LinkGoodput(),
                new McuTaskLoad(),
                new MessageBatching(),
                new PeakStepRate(),
                new SchedulingLeadTime(),
                new SerialUtilisation(),
                new StepCompressionRatio());
    }
}
