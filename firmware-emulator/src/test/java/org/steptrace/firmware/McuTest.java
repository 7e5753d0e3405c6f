package org.steptrace.firmware;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.steptrace.protocol.DataDictionary;
import org.steptrace.protocol.Message;

class McuTest {
    /** Records every step: step pin → ticks, and pin writes. */
    static final class RecordingPins implements PinIo {
        final Map<Integer, List<Long>> steps = new HashMap<>();
        final Map<Integer, Integer> levels = new HashMap<>();
        final Map<Integer, Integer> inputs = new HashMap<>();
        int adc = 500;

        @Override
        public int readDigital(int pin, long tick) {
            return inputs.getOrDefault(pin, 0);
        }

        @Override
        public int readAdc(int pin, long tick) {
            return adc;
        }

        @Override
        public void writeDigital(int pin, int level, long tick) {
            levels.put(pin, level);
        }

        @Override
        public void stepped(int stepPin, long tick, int position) {
            steps.computeIfAbsent(stepPin, k -> new ArrayList<>()).add(tick);
        }
    }

    private final RecordingPins pins = new RecordingPins();
    private final VirtualHost host = new VirtualHost(TestBoards.avr(), pins, McuTap.NONE);

    @Test
    void servesItsDictionaryThroughIdentify() {
        DataDictionary d = host.identify();
        assertEquals(16_000_000L, d.clockFrequencyHz());
        assertEquals(192L, d.configLong("RECEIVE_WINDOW").orElseThrow());
        assertEquals(250_000L, d.configLong("SERIAL_BAUD").orElseThrow());
        assertEquals(40L, d.enumeration("pin").orElseThrow().valueOf("PF0").orElseThrow());
        d.requireCommand("queue_step oid=%c interval=%u count=%hu add=%hi");
        d.requireCommand("query_analog_in oid=%c clock=%u sample_ticks=%u sample_count=%c rest_ticks=%u min_value=%hu max_value=%hu range_check_count=%c");
        d.requireResponse("analog_in_state oid=%c next_clock=%u value=%hu");
        d.requireCommand("config_reset");
        assertEquals(3L, d.enumeration("static_string_id").orElseThrow().valueOf("Timer too close").orElseThrow());
    }

    @Test
    void answersClockAndConfigQueries() {
        host.identify();
        host.runFor(1.0);
        Message clock = host.query("get_clock", "clock");
        assertEquals(host.nowTick(), clock.getLong("clock"), 16_000 * 2);
        Message cfg = host.query("get_config", "config");
        assertEquals(0, cfg.getLong("is_config"));
        assertEquals(0, cfg.getLong("move_count"));
        host.send("allocate_oids count=1", "finalize_config crc=1234");
        cfg = host.query("get_config", "config");
        assertEquals(1, cfg.getLong("is_config"));
        assertEquals(1234, cfg.getLong("crc"));
        assertEquals(200, cfg.getLong("move_count"));
        Message up = host.query("get_uptime", "uptime");
        assertEquals(0, up.getLong("high"));
    }

    @Test
    void stepsThreeSteppersExactlyByTheFormula() {
        host.identify();
        host.send("allocate_oids count=3",
                "config_stepper oid=0 step_pin=PF0 dir_pin=PF1 invert_step=0 step_pulse_ticks=32",
                "config_stepper oid=1 step_pin=PF6 dir_pin=PF7 invert_step=0 step_pulse_ticks=32",
                "config_stepper oid=2 step_pin=PA0 dir_pin=PA1 invert_step=-1 step_pulse_ticks=32",
                "finalize_config crc=0");
        host.runFor(0.1);
        long start = 16_000_000L; // 1 s
        // oid 0: forward 100 steps accelerating then 50 cruising; oid 1: backward; oid 2: both ways.
        host.send("set_next_step_dir oid=0 dir=1", "queue_step oid=0 interval=" + start + " count=1 add=0",
                "queue_step oid=0 interval=4000 count=99 add=-20", "queue_step oid=0 interval=2020 count=50 add=0");
        host.send("set_next_step_dir oid=1 dir=0", "queue_step oid=1 interval=" + (start + 500) + " count=1 add=0",
                "queue_step oid=1 interval=3000 count=30 add=10");
        host.send("set_next_step_dir oid=2 dir=1", "queue_step oid=2 interval=" + (start + 7) + " count=1 add=0",
                "queue_step oid=2 interval=4000 count=19 add=0",
                "set_next_step_dir oid=2 dir=0", "queue_step oid=2 interval=5000 count=5 add=0");
        host.runFor(2.0);
        assertEquals(150, host.query("stepper_get_position oid=0", "stepper_position").getLong("pos"));
        assertEquals(-31, host.query("stepper_get_position oid=1", "stepper_position").getLong("pos"));
        assertEquals(15, host.query("stepper_get_position oid=2", "stepper_position").getLong("pos"));

        List<Long> expected = new ArrayList<>();
        expected.add(start);
        addMove(expected, start, 4000, 99, -20);
        addMove(expected, expected.get(expected.size() - 1), 2020, 50, 0);
        assertEquals(expected, pins.steps.get(40));
        List<Long> e1 = new ArrayList<>(List.of(start + 500));
        addMove(e1, start + 500, 3000, 30, 10);
        assertEquals(e1, pins.steps.get(46));
        List<Long> e2 = new ArrayList<>(List.of(start + 7));
        addMove(e2, start + 7, 4000, 19, 0);
        addMove(e2, e2.get(19), 5000, 5, 0);
        assertEquals(e2, pins.steps.get(0));
        assertEquals(0, host.mcu.moveSlotsUsed());
    }

    @Test
    void aStepPushedBackForPulseSpacingDoesNotShiftTheSchedule() {
        host.identify();
        host.send("allocate_oids count=1", "config_stepper oid=0 step_pin=PF0 dir_pin=PF1 invert_step=0 step_pulse_ticks=32",
                "finalize_config crc=0");
        host.runFor(0.1);
        long t = 16_000_000;
        // After the first move ends at t, a direction change needs 2 x 32 ticks; the next move asks for 40.
        host.send("set_next_step_dir oid=0 dir=1", "queue_step oid=0 interval=" + t + " count=1 add=0",
                "set_next_step_dir oid=0 dir=0", "queue_step oid=0 interval=40 count=3 add=1000");
        host.runFor(1.5);
        assertEquals(List.of(t, t + 64, t + 1080, t + 3120), pins.steps.get(40));
    }

    @Test
    void theHostsTrsyncTriggerGetsExactlyOneAnswer() {
        host.identify();
        host.send("allocate_oids count=1", "config_trsync oid=0", "finalize_config crc=0",
                "trsync_start oid=0 report_clock=0 report_ticks=0 expire_reason=4", "trsync_trigger oid=0 reason=2");
        host.runFor(0.2);
        List<Message> states = host.receivedNamed("trsync_state");
        assertEquals(1, states.size(), states.toString());
        assertEquals("trsync_state oid=0 can_trigger=0 trigger_reason=2 clock=0", states.get(0).toString());
    }

    /** Steps k = 1..count at t0 + k·interval + add·k(k−1)/2. */
    private static void addMove(List<Long> out, long t0, long interval, int count, int add) {
        for (long k = 1; k <= count; k++) out.add(t0 + k * interval + add * k * (k - 1) / 2);
    }

    @Test
    void softPwmTogglesAndMaxDurationIsRefreshed() {
        host.identify();
        host.send("allocate_oids count=1",
                "config_digital_out oid=0 pin=PH5 value=0 default_value=0 max_duration=48000000",
                "set_digital_out_pwm_cycle oid=0 cycle_ticks=1600000", "finalize_config crc=0");
        host.runFor(0.1);
        host.send("queue_digital_out oid=0 clock=16000000 on_ticks=400000",
                "queue_digital_out oid=0 clock=48000000 on_ticks=1600000",
                "queue_digital_out oid=0 clock=80000000 on_ticks=0");
        host.runFor(6);
        assertTrue(host.receivedNamed("shutdown").isEmpty(), host.received.toString());
        assertEquals(0, pins.levels.get(61));
    }

    @Test
    void reportsAnalogSums() {
        host.identify();
        host.send("allocate_oids count=1", "config_analog_in oid=0 pin=PK5", "finalize_config crc=0");
        host.runFor(0.1);
        pins.adc = 700;
        host.send("query_analog_in oid=0 clock=16000000 sample_ticks=16000 sample_count=8 rest_ticks=4800000 min_value=0 max_value=8184 range_check_count=4");
        host.runUntil(2.3);
        List<Message> reports = host.receivedNamed("analog_in_state");
        // Cycles start at 1.0 s, 1.3 s, ...: each reported when its eighth sample is taken.
        assertEquals(5, reports.size(), reports.toString());
        for (int i = 0; i < reports.size(); i++) {
            assertEquals(5600, reports.get(i).getLong("value"));
            assertEquals(16_000_000L + (i + 1) * 4_800_000L, reports.get(i).getLong("next_clock"));
        }
    }
}
