package org.steptrace.firmware;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.steptrace.host.motion.LookaheadQueue;
import org.steptrace.host.motion.MotionLimits;
import org.steptrace.host.motion.MotionQueue;
import org.steptrace.host.motion.Move;
import org.steptrace.host.steps.StepSolver;
import org.steptrace.host.steps.StepperChannel;
import org.steptrace.host.steps.StepperMessage;
import org.steptrace.protocol.MessageBlock;
import org.steptrace.protocol.PayloadWriter;

/**
 * The host's planner, step solver and compressor drive the emulated MCU's steppers: every
 * executed step lands at most 25 µs before its exact time and never after, and the final step
 * positions equal the commanded positions.
 */
class HostStepsOnEmulatorTest {
    private static final double HZ = 16_000_000;
    private static final double STEP_MM = 0.0125;

    @Test
    void aZigZagPathRunsOnTheEmulatorExactly() {
        List<double[]> pts = new ArrayList<>();
        pts.add(new double[] {100, 100, 0, 0});
        for (int i = 0; i < 20; i++) {
            pts.add(new double[] {100 + (i % 2 == 0 ? 30 : -10), 100 + 3 * i, 0, 0});
        }
        MotionLimits limits = new MotionLimits(200, 3000, 5, 0.5);
        MotionQueue q = new MotionQueue(pts.get(0));
        double[] t = {0.25};
        LookaheadQueue la = new LookaheadQueue(z -> t[0] = q.append(z, t[0]));
        for (int i = 1; i < pts.size(); i++) la.add(new Move(pts.get(i - 1), pts.get(i), 150, limits));
        la.flushAll();

        List<StepperMessage> messages = new ArrayList<>();
        List<List<Long>> exact = new ArrayList<>();
        StepperChannel[] channels = new StepperChannel[2];
        for (int axis = 0; axis < 2; axis++) {
            final int ax = axis;
            List<Long> clocks = new ArrayList<>();
            exact.add(clocks);
            channels[axis] = new StepperChannel(axis, axis == 1, HZ, 400, messages::add);
            StepSolver solver = new StepSolver(p -> p[ax], STEP_MM, Math.round(pts.get(0)[ax] / STEP_MM));
            solver.generate(q, 0, t[0] + 0.01, (positive, timeS) -> {
                clocks.add(Math.round(timeS * HZ));
                channels[ax].step(positive, timeS);
            });
            channels[axis].flushAll();
        }

        McuTest.RecordingPins pins = new McuTest.RecordingPins();
        Mcu mcu = new Mcu(TestBoards.avr(), pins, McuTap.NONE, b -> {});
        var dict = mcu.dictionary();
        int[] seq = {0};
        java.util.function.Consumer<String[]> send = cmds -> {
            PayloadWriter w = new PayloadWriter();
            for (String c : cmds) org.steptrace.protocol.CommandText.parse(dict, c).encode(w);
            byte[] b = new MessageBlock(seq[0]++ & 15, w.toBytes()).encode();
            mcu.receive(b, 0, b.length);
        };
        send.accept(new String[] {"allocate_oids count=2", "config_stepper oid=0 step_pin=PF0 dir_pin=PF1 invert_step=0 step_pulse_ticks=32",
            "config_stepper oid=1 step_pin=PF6 dir_pin=PF7 invert_step=0 step_pulse_ticks=32", "finalize_config crc=0"});
        // Deliver in clock order, each 0.1 s before the MCU needs it, as a host's serial queue does.
        messages.sort(Comparator.comparingLong(StepperMessage::reqClock));
        long lead = (long) (0.1 * HZ);
        for (StepperMessage m : messages) {
            mcu.advanceTo(Math.max(mcu.nowTick(), m.reqClock() - lead));
            String text = m instanceof StepperMessage.QueueStep s
                    ? "queue_step oid=" + s.oid() + " interval=" + s.sequence().interval() + " count=" + s.sequence().count() + " add=" + s.sequence().add()
                    : "set_next_step_dir oid=" + m.oid() + " dir=" + ((StepperMessage.SetDir) m).dir();
            send.accept(new String[] {text});
        }
        mcu.advanceTo((long) ((t[0] + 1) * HZ));
        assertEquals(null, mcu.shutdownReason());

        int[] stepPins = {40, 46};
        for (int axis = 0; axis < 2; axis++) {
            List<Long> executed = pins.steps.get(stepPins[axis]);
            List<Long> want = exact.get(axis);
            assertEquals(want.size(), executed.size(), "axis " + axis + ": every step executed once");
            for (int k = 0; k < want.size(); k++) {
                long early = want.get(k) - executed.get(k);
                assertTrue(early >= 0 && early <= 400, "axis " + axis + " step " + k + " early by " + early + " ticks");
            }
            double[] fin = pts.get(pts.size() - 1);
            long exactSteps = Math.round(fin[axis] / STEP_MM) - Math.round(pts.get(0)[axis] / STEP_MM);
            assertEquals(exactSteps, channels[axis].committedSteps());
        }
        int xPos = host(mcu, 0);
        int yPos = host(mcu, 1);
        assertEquals(channels[0].committedSteps(), xPos, "dir pin high is positive on X");
        assertEquals(channels[1].committedSteps(), -yPos, "Y's dir pin is inverted");
        long steps = exact.get(0).size() + exact.get(1).size();
        assertTrue(steps / messages.size() > 30, steps + " steps in " + messages.size() + " messages");
    }

    private static int host(Mcu mcu, int oid) {
        return mcu.objects().stream().filter(o -> o instanceof Stepper s && s.oid() == oid).map(o -> ((Stepper) o).position())
                .findFirst().orElseThrow();
    }
}
