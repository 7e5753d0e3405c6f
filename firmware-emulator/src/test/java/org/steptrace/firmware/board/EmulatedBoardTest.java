package org.steptrace.firmware.board;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.steptrace.firmware.McuTap;
import org.steptrace.firmware.faults.Fault;
import org.steptrace.firmware.plant.BoardPlant;
import org.steptrace.protocol.Message;

/** A scripted host drives the built-in AVR board: heating follows the plant, homing stops at the switch. */
class EmulatedBoardTest {
    private final List<String> faultsApplied = new ArrayList<>();
    /** The plant's sensor temperature at each analog report, in report order. */
    private final List<Double> plantAtReport = new ArrayList<>();
    private EmulatedBoard board;
    private final org.steptrace.firmware.VirtualHostAccess host;

    EmulatedBoardTest() {
        BoardDefinition def = BoardLoader.builtIn("avr-cartesian").withFaults(List.of(Fault.parse("thermistor-open@40")));
        host = new org.steptrace.firmware.VirtualHostAccess(def.mcu(), out -> {
            McuTap tap = new McuTap() {
                @Override
                public void analogReport(long tick, int oid, int pin, int sum) {
                    plantAtReport.add(board.plant().heater("extruder").plant().sensorC());
                }
            };
            board = new EmulatedBoard(def, 42, tap, out, (f, t) -> faultsApplied.add(f + " at " + t));
            return board.mcu();
        });
        host.identify();
    }

    @Test
    void theReportedTemperatureFollowsThePlant() {
        host.send("allocate_oids count=2",
                "config_digital_out oid=0 pin=PB4 value=0 default_value=0 max_duration=48000000",
                "set_digital_out_pwm_cycle oid=0 cycle_ticks=1600000",
                "config_analog_in oid=1 pin=PK5", "finalize_config crc=0");
        host.runFor(0.1);
        host.send("query_analog_in oid=1 clock=" + (host.nowTick() + 1_600_000)
                + " sample_ticks=16000 sample_count=8 rest_ticks=4800000 min_value=0 max_value=8184 range_check_count=4");
        BoardPlant.Heater h = board.plant().heater("extruder");
        int reports = 0;
        for (int second = 1; second <= 30; second++) {
            host.send("queue_digital_out oid=0 clock=" + (host.nowTick() + 1_600_000) + " on_ticks=1600000");
            host.runFor(1.0);
            for (Message m : host.takeReceived("analog_in_state")) {
                double v = m.getLong("value") / (8.0 * 1023);
                double reported = h.sensor().circuit().temperatureC(v);
                double truth = plantAtReport.get(reports++);
                assertTrue(Math.abs(reported - truth) < 1.0, "reported " + reported + " C, plant " + truth + " C");
            }
        }
        assertTrue(reports >= 90, "about three reports a second");
        assertTrue(h.plant().sensorC() > 60, "30 s at full power heats the block");
        assertTrue(host.receivedNamed("shutdown").isEmpty(), host.receivedNamed("shutdown").toString());
        host.runFor(15);
        assertEquals(List.of("thermistor-open@40.0 at 40.0"), faultsApplied);
        host.send("queue_digital_out oid=0 clock=" + (host.nowTick() + 1_600_000) + " on_ticks=1600000");
        host.runFor(1);
        Message last = host.receivedNamed("analog_in_state").get(host.receivedNamed("analog_in_state").size() - 1);
        assertTrue(last.getLong("value") > 8 * 1023 - 16, "an open thermistor reads full scale, less noise: " + last);
    }

    @Test
    void homingStopsTheStepperWhereTheSwitchCloses() {
        host.send("allocate_oids count=3",
                "config_endstop oid=0 pin=PE5 pull_up=1", "config_trsync oid=1",
                "config_stepper oid=2 step_pin=PF0 dir_pin=PF1 invert_step=0 step_pulse_ticks=32", "finalize_config crc=0");
        host.runFor(0.1);
        long t0 = host.nowTick() + 3_200_000;
        // 300 mm toward x = 0 at 50 mm/s: 4000 steps/s, one every 4000 ticks.
        host.send("trsync_start oid=1 report_clock=" + t0 + " report_ticks=1200000 expire_reason=4",
                "stepper_stop_on_trigger oid=2 trsync_oid=1",
                "trsync_set_timeout oid=1 clock=" + (t0 + 16_000_000L * 8),
                "endstop_home oid=0 clock=" + t0 + " sample_ticks=240 sample_count=4 rest_ticks=4000 pin_value=1 trsync_oid=1 trigger_reason=1",
                "set_next_step_dir oid=2 dir=0", "queue_step oid=2 interval=" + (t0 + 4000) + " count=1 add=0");
        for (int i = 0; i < 12; i++) host.send("queue_step oid=2 interval=4000 count=2000 add=0");
        host.runFor(5);
        Message trigger = host.receivedNamed("trsync_state").stream().filter(m -> m.getLong("can_trigger") == 0).findFirst().orElseThrow();
        assertEquals(1, trigger.getLong("trigger_reason"), "the endstop, not the timeout, ended the move");
        long pos = host.query("stepper_get_position oid=2", "stepper_position").getLong("pos");
        // From x = 100 mm at 80 steps/mm the switch closes after 8000 steps; polling and 4 samples add at most 2.
        assertTrue(pos <= -8000 && pos >= -8002, "stopped at " + pos);
        assertEquals(0.0, board.plant().mechanism().toolhead().x(), 2.0 / 80);
        Message state = host.query("endstop_query_state oid=0", "endstop_state");
        assertEquals(1, state.getLong("homing"), "the flag stays until the next endstop_home, as in the firmware");
        assertEquals(1, state.getLong("pin_value"));
        assertEquals(0, board.mcu().moveSlotsUsed(), "the rest of the queue was flushed");
    }
}
