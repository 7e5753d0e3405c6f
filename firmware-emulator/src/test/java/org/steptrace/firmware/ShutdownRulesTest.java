package org.steptrace.firmware;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.steptrace.protocol.Message;
import org.steptrace.protocol.PayloadWriter;

/** Each shutdown rule fires exactly when it should, and a near miss does not fire it. */
class ShutdownRulesTest {
    private final McuTest.RecordingPins pins = new McuTest.RecordingPins();
    private final VirtualHost host = new VirtualHost(TestBoards.avr(), pins, McuTap.NONE);

    private static final String STEPPER = "config_stepper oid=0 step_pin=PF0 dir_pin=PF1 invert_step=0 step_pulse_ticks=32";
    private static final String HEATER = "config_digital_out oid=1 pin=PH5 value=0 default_value=0 max_duration=48000000";
    private static final String ADC = "config_analog_in oid=2 pin=PK5";
    private static final String TRSYNC = "config_trsync oid=3";

    @BeforeEach
    void configure() {
        host.identify();
        host.send("allocate_oids count=4", STEPPER, HEATER, ADC, TRSYNC, "set_digital_out_pwm_cycle oid=1 cycle_ticks=1600000",
                "finalize_config crc=7");
        host.runFor(0.05);
    }

    /** The reason of the first shutdown message, or null. */
    private String shutdownReason() {
        List<Message> s = host.receivedNamed("shutdown");
        return s.isEmpty() ? null : s.get(0).getSymbol("static_string_id");
    }

    private long at(double seconds) {
        return host.nowTick() + (long) (seconds * 16_000_000);
    }

    @Test
    void timerTooClose() {
        host.send("queue_step oid=0 interval=" + at(0.05) + " count=1 add=0");
        host.runFor(0.2);
        assertNull(shutdownReason());
        host.send("reset_step_clock oid=0 clock=0", "queue_step oid=0 interval=" + at(-0.05) + " count=1 add=0");
        host.runFor(0.1);
        assertEquals(ShutdownReason.TIMER_TOO_CLOSE, shutdownReason());
    }

    @Test
    void missedSchedulingOfNextDigitalOutEvent() {
        long on = at(0.1);
        host.send("queue_digital_out oid=1 clock=" + on + " on_ticks=400000");
        host.runFor(2.9);
        assertNull(shutdownReason(), "max_duration (3 s) not reached yet");
        host.runFor(0.3);
        assertEquals(ShutdownReason.MISSED_DIGITAL_OUT, shutdownReason());
        assertEquals(0, pins.levels.get(61), "heater pin back at its default");
    }

    @Test
    void scheduledDigitalOutEventWillExceedMaxDuration() {
        long on = at(0.1);
        host.send("queue_digital_out oid=1 clock=" + on + " on_ticks=1600000",
                "queue_digital_out oid=1 clock=" + (on + 48_000_000) + " on_ticks=800000");
        host.runFor(0.5);
        assertNull(shutdownReason(), "exactly max_duration later is allowed");
        host.send("queue_digital_out oid=1 clock=" + (on + 96_000_001L) + " on_ticks=0");
        host.runFor(3.5);
        assertEquals(ShutdownReason.EXCEED_MAX_DURATION, shutdownReason());
    }

    @Test
    void adcOutOfRange() {
        pins.adc = 700;
        host.send("query_analog_in oid=2 clock=" + at(0.1) + " sample_ticks=16000 sample_count=8 rest_ticks=4800000 min_value=1000 max_value=5600 range_check_count=4");
        host.runFor(2);
        assertNull(shutdownReason(), "a sum at the limit is in range");
        pins.adc = 701;
        host.runFor(0.3 * 3 + 0.05);
        assertNull(shutdownReason(), "three bad sums are not yet four");
        host.runFor(0.3);
        assertEquals(ShutdownReason.ADC_OUT_OF_RANGE, shutdownReason());
        int reports = host.receivedNamed("analog_in_state").size();
        host.runFor(1.0);
        assertTrue(host.receivedNamed("analog_in_state").size() > reports, "sampling goes on while shut down");
    }

    @Test
    void aTimerThatNeverLetsTimeMoveShutsDownInsteadOfHanging() {
        host.send("query_analog_in oid=2 clock=" + at(0.1) + " sample_ticks=0 sample_count=1 rest_ticks=0 min_value=0 max_value=65535 range_check_count=0");
        host.runFor(0.3);
        // The reports it sent before giving up take seconds to cross the 250000-baud line; ask the MCU.
        assertEquals(ShutdownReason.RESCHEDULED_TIMER_IN_THE_PAST, host.mcu.shutdownReason());
    }

    @Test
    void moveQueueOverflow() {
        long t = at(1);
        host.send("queue_step oid=0 interval=" + t + " count=1 add=0");
        for (int i = 0; i < 199; i++) host.send("queue_step oid=0 interval=1000 count=1 add=0");
        host.runFor(0.2);
        assertNull(shutdownReason(), "200 slots, 199 queued behind the running move");
        host.send("queue_step oid=0 interval=1000 count=1 add=0", "queue_step oid=0 interval=1000 count=1 add=0");
        host.runFor(0.2);
        assertEquals(ShutdownReason.MOVE_QUEUE_OVERFLOW, shutdownReason());
    }

    @Test
    void invalidCountParameter() {
        host.send("queue_step oid=0 interval=" + at(0.1) + " count=1 add=0");
        host.runFor(0.1);
        assertNull(shutdownReason());
        host.send("queue_step oid=0 interval=1000 count=0 add=0");
        host.runFor(0.1);
        assertEquals(ShutdownReason.INVALID_COUNT, shutdownReason());
    }

    @Test
    void stepperTooFarInPast() {
        // While active, the next move's first step 0.9 ms before the previous step is pushed back;
        // 1.1 ms before is too far.
        long t = at(0.2);
        host.send("queue_step oid=0 interval=" + t + " count=1 add=0", "queue_step oid=0 interval=16000 count=10 add=0",
                "queue_step oid=0 interval=" + (0x1_0000_0000L - 14_400) + " count=1 add=0");
        host.runFor(0.1);
        assertNull(shutdownReason());
        host.send("queue_step oid=0 interval=" + (0x1_0000_0000L - 17_600 - 64) + " count=1 add=0");
        host.runFor(3);
        assertEquals(ShutdownReason.STEPPER_TOO_FAR_IN_PAST, shutdownReason());
    }

    @Test
    void cantResetTimeWhenStepperActive() {
        host.send("reset_step_clock oid=0 clock=0");
        host.runFor(0.05);
        assertNull(shutdownReason());
        host.send("queue_step oid=0 interval=" + at(0.2) + " count=5 add=0", "reset_step_clock oid=0 clock=0");
        host.runFor(0.1);
        assertEquals(ShutdownReason.RESET_TIME_WHEN_ACTIVE, shutdownReason());
    }

    @Test
    void configMisuse() {
        host.send("config_trsync oid=0");
        host.runFor(0.05);
        assertEquals(ShutdownReason.CANT_ASSIGN_OID, shutdownReason());
    }

    @Test
    void wrongObjectKindIsAnInvalidOidType() {
        host.send("queue_step oid=3 interval=1000 count=1 add=0");
        host.runFor(0.05);
        assertEquals(ShutdownReason.INVALID_OID_TYPE, shutdownReason());
    }

    @Test
    void finalizingTwice() {
        host.send("finalize_config crc=7");
        host.runFor(0.05);
        assertEquals(ShutdownReason.ALREADY_FINALIZED, shutdownReason());
    }

    @Test
    void allocatingTwice() {
        host.send("allocate_oids count=4");
        host.runFor(0.05);
        assertEquals(ShutdownReason.OIDS_ALREADY_ALLOCATED, shutdownReason());
    }

    @Test
    void updateWithActiveQueueAndCycleWhilePending() {
        host.send("update_digital_out oid=1 value=0");
        host.runFor(0.05);
        assertNull(shutdownReason());
        host.send("queue_digital_out oid=1 clock=" + at(0.5) + " on_ticks=0", "update_digital_out oid=1 value=1");
        host.runFor(0.05);
        assertEquals(ShutdownReason.UPDATE_WITH_ACTIVE_QUEUE, shutdownReason());
    }

    @Test
    void pwmCycleWhileUpdatesPending() {
        host.send("queue_digital_out oid=1 clock=" + at(0.5) + " on_ticks=0", "set_digital_out_pwm_cycle oid=1 cycle_ticks=100");
        host.runFor(0.05);
        assertEquals(ShutdownReason.PWM_CYCLE_WHILE_PENDING, shutdownReason());
    }

    @Test
    void signalAlreadyActive() {
        host.send("trsync_start oid=3 report_clock=0 report_ticks=0 expire_reason=4", "stepper_stop_on_trigger oid=0 trsync_oid=3");
        host.runFor(0.05);
        assertNull(shutdownReason());
        host.send("stepper_stop_on_trigger oid=0 trsync_oid=3");
        host.runFor(0.05);
        assertEquals(ShutdownReason.SIGNAL_ALREADY_ACTIVE, shutdownReason());
    }

    @Test
    void commandRequestStopsEverythingAndLaterCommandsGetIsShutdown() {
        long t = at(0.1);
        host.send("queue_step oid=0 interval=" + t + " count=1 add=0", "queue_step oid=0 interval=16000 count=1000 add=0",
                "queue_digital_out oid=1 clock=" + t + " on_ticks=1600000");
        host.runFor(0.3);
        host.send("emergency_stop");
        host.runFor(0.05);
        assertEquals(ShutdownReason.COMMAND_REQUEST, shutdownReason());
        assertEquals(0, pins.levels.get(61), "outputs at their defaults");
        int steps = pins.steps.get(40).size();
        assertTrue(steps > 10 && steps < 1001);
        host.runFor(1);
        assertEquals(steps, pins.steps.get(40).size(), "steppers stopped");
        assertEquals(0, host.mcu.moveSlotsUsed());
        host.send("queue_step oid=0 interval=1000 count=1 add=0");
        host.runFor(0.05);
        Message is = host.receivedNamed("is_shutdown").get(0);
        assertEquals(ShutdownReason.COMMAND_REQUEST, is.getSymbol("static_string_id"));
        assertEquals(1, host.query("get_config", "config").getLong("is_shutdown"));
        // A second hard shutdown re-reports the first reason.
        host.send("emergency_stop");
        host.runFor(0.05);
        assertEquals(2, host.receivedNamed("shutdown").size());
        assertEquals(ShutdownReason.COMMAND_REQUEST, host.receivedNamed("shutdown").get(1).getSymbol("static_string_id"));
    }

    @Test
    void clearShutdownAndConfigReset() {
        host.send("config_reset");
        host.runFor(0.05);
        assertEquals(ShutdownReason.CONFIG_RESET_NOT_SHUTDOWN, shutdownReason());
        host.send("clear_shutdown");
        host.runFor(0.05);
        assertEquals(0, host.query("get_config", "config").getLong("is_shutdown"));
        host.send("clear_shutdown");
        host.runFor(0.05);
        assertEquals(ShutdownReason.SHUTDOWN_CLEARED_WHEN_NOT_SHUTDOWN, host.receivedNamed("shutdown").get(1).getSymbol("static_string_id"));
    }

    @Test
    void invalidCommandAndParserError() {
        host.sendRaw(new byte[] {(byte) 0x81, 0x40}); // id 192: not in the dictionary
        host.runFor(0.05);
        assertEquals(ShutdownReason.INVALID_COMMAND, shutdownReason());
    }

    @Test
    void truncatedParametersAreAParserError() {
        int queueStep = host.dictionary().command("queue_step").orElseThrow().id();
        host.sendRaw(new PayloadWriter().writeVlq(queueStep).writeVlq(0).toByteArray());
        host.runFor(0.05);
        assertEquals(ShutdownReason.COMMAND_PARSER_ERROR, shutdownReason());
    }

}
