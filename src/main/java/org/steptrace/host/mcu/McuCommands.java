package org.steptrace.host.mcu;

import org.steptrace.protocol.DataDictionary;
import org.steptrace.protocol.Message;
import org.steptrace.protocol.MessageFormat;

/**
 * The runtime commands a host sends, looked up once by their exact format in the board's own
 * dictionary (a firmware lacking one is named at once). Absolute clocks go on the wire as their
 * low 32 bits; the MCU extends them against its own clock.
 */
public final class McuCommands {
    private final MessageFormat queueStep;
    private final MessageFormat setNextStepDir;
    private final MessageFormat queueDigitalOut;
    private final MessageFormat trsyncStart;
    private final MessageFormat stepperStopOnTrigger;
    private final MessageFormat trsyncSetTimeout;
    private final MessageFormat endstopHome;
    private final MessageFormat resetStepClock;

    public McuCommands(DataDictionary d) {
        queueStep = d.requireCommand("queue_step oid=%c interval=%u count=%hu add=%hi");
        setNextStepDir = d.requireCommand("set_next_step_dir oid=%c dir=%c");
        queueDigitalOut = d.requireCommand("queue_digital_out oid=%c clock=%u on_ticks=%u");
        trsyncStart = d.requireCommand("trsync_start oid=%c report_clock=%u report_ticks=%u expire_reason=%c");
        stepperStopOnTrigger = d.requireCommand("stepper_stop_on_trigger oid=%c trsync_oid=%c");
        trsyncSetTimeout = d.requireCommand("trsync_set_timeout oid=%c clock=%u");
        resetStepClock = d.requireCommand("reset_step_clock oid=%c clock=%u");
        endstopHome = d.requireCommand("endstop_home oid=%c clock=%u sample_ticks=%u sample_count=%c rest_ticks=%u pin_value=%c trsync_oid=%c trigger_reason=%c");
    }

    private static long wire(long clock) {
        return clock & 0xFFFFFFFFL;
    }

    public Message queueStep(int oid, long interval, int count, int add) {
        return queueStep.message(oid, interval, count, add);
    }

    public Message setNextStepDir(int oid, int dir) {
        return setNextStepDir.message(oid, dir);
    }

    public Message queueDigitalOut(int oid, long clock, long onTicks) {
        return queueDigitalOut.message(oid, wire(clock), onTicks);
    }

    public Message trsyncStart(int oid, long reportClock, long reportTicks, int expireReason) {
        return trsyncStart.message(oid, wire(reportClock), reportTicks, expireReason);
    }

    public Message stepperStopOnTrigger(int oid, int trsyncOid) {
        return stepperStopOnTrigger.message(oid, trsyncOid);
    }

    public Message trsyncSetTimeout(int oid, long clock) {
        return trsyncSetTimeout.message(oid, wire(clock));
    }

    public Message endstopHome(int oid, long clock, long sampleTicks, int sampleCount, long restTicks, int pinValue, int trsyncOid,
                               int triggerReason) {
        return endstopHome.message(oid, wire(clock), sampleTicks, sampleCount, restTicks, pinValue, trsyncOid, triggerReason);
    }

    public Message resetStepClock(int oid, long clock) {
        return resetStepClock.message(oid, wire(clock));
    }
}
