package org.steptrace.firmware;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.steptrace.protocol.BlockDecoder;
import org.steptrace.protocol.DecodeEvent;
import org.steptrace.protocol.MessageBlock;
import org.steptrace.protocol.MessageParser;
import org.steptrace.protocol.PayloadWriter;

class RealtimeRunnerTest {
    @Test
    void stepsOnTheWallClockAndRecordsLateness() throws Exception {
        McuTest.RecordingPins pins = new McuTest.RecordingPins();
        List<byte[]> out = java.util.Collections.synchronizedList(new ArrayList<>());
        // A lenient lateness limit: this test is about pacing, not about a busy CI machine's stalls.
        McuSpec lenient = TestBoards.avr();
        lenient = new McuSpec(lenient.chip(), lenient.clockFrequencyHz(), lenient.serialBaud(), lenient.receiveWindowBytes(),
                lenient.adcMax(), lenient.pwmMax(), lenient.moveCount(), lenient.clockFrequencyHz(), lenient.pins());
        Mcu mcu = new Mcu(lenient, pins, McuTap.NONE, out::add);
        RealtimeRunner runner = new RealtimeRunner(() -> mcu, false);
        runner.start();
        var d = mcu.dictionary();
        long start = 8_000_000; // 0.5 s after start
        String[] script = {"allocate_oids count=1", "config_stepper oid=0 step_pin=PF0 dir_pin=PF1 invert_step=0 step_pulse_ticks=32",
            "finalize_config crc=0", "queue_step oid=0 interval=" + start + " count=1 add=0", "queue_step oid=0 interval=16000 count=499 add=0",
            "get_clock"};
        int seq = 0;
        for (String c : script) {
            PayloadWriter w = new PayloadWriter();
            org.steptrace.protocol.CommandText.parse(d, c).encode(w);
            runner.received(new MessageBlock(seq++, w.toBytes()).encode());
        }
        Thread.sleep(2000); // the move ends 1.0 s after start; the rest is slack for a busy machine
        runner.close();
        assertNull(runner.failure());
        List<Long> steps = pins.steps.get(40);
        assertEquals(500, steps.size(), "the move finished by 1.0 s of wall time");
        assertEquals(start + 499 * 16_000L, steps.get(499));
        Histogram h = runner.latenessTotal();
        assertEquals(500, h.getTotalCount(), "one lateness sample per timer");
        assertTrue(h.getValueAtPercentile(50) < 20_000_000, "median lateness under 20 ms even on a loaded CI machine");
        BlockDecoder dec = new BlockDecoder();
        out.forEach(dec::feed);
        MessageParser parser = new MessageParser(d);
        long clock = -1;
        DecodeEvent e;
        while ((e = dec.next()) != null) {
            if (e instanceof DecodeEvent.Block b && !b.block().isAck()) {
                var m = parser.parse(b.block().payload()).get(0);
                if (m.name().equals("clock")) clock = m.getLong("clock");
            }
        }
        assertTrue(clock >= 0 && clock < 16_000_000L, "get_clock answered with the wall-clock tick: " + clock);
    }

    @Test
    void aStallLongerThanTheLimitShutsDownReschedulingInThePast() throws Exception {
        McuTest.RecordingPins pins = new McuTest.RecordingPins();
        Mcu mcu = new Mcu(TestBoards.avr(), pins, McuTap.NONE, b -> {});
        boolean[] stalled = {false};
        RealtimeRunner runner = new RealtimeRunner(new RealtimeRunner.Target() {
            @Override
            public Mcu mcu() {
                return mcu;
            }

            @Override
            public void advanceTo(double seconds) {
                if (seconds > 0.3 && !stalled[0]) {
                    stalled[0] = true;
                    try {
                        Thread.sleep(250); // the machine stalls the emulator for longer than 100 ms
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        }, false);
        runner.start();
        String[] script = {"allocate_oids count=1", "config_stepper oid=0 step_pin=PF0 dir_pin=PF1 invert_step=0 step_pulse_ticks=32",
            "finalize_config crc=0", "queue_step oid=0 interval=3200000 count=1 add=0", "queue_step oid=0 interval=16000 count=2000 add=0"};
        int seq = 0;
        for (String c : script) {
            PayloadWriter w = new PayloadWriter();
            org.steptrace.protocol.CommandText.parse(mcu.dictionary(), c).encode(w);
            runner.received(new MessageBlock(seq++, w.toBytes()).encode());
        }
        Thread.sleep(900);
        runner.close();
        assertEquals(ShutdownReason.RESCHEDULED_TIMER_IN_THE_PAST, mcu.shutdownReason());
        assertTrue(pins.steps.get(40).size() < 2000, "the stepper stopped at the shutdown");
    }
}
