package org.steptrace.bench;

import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.steptrace.firmware.Mcu;
import org.steptrace.firmware.McuTap;
import org.steptrace.firmware.RealtimeRunner;
import org.steptrace.firmware.board.BoardDefinition;
import org.steptrace.firmware.board.BoardLoader;
import org.steptrace.firmware.board.EmulatedBoard;
import org.steptrace.protocol.CommandText;
import org.steptrace.protocol.DataDictionary;
import org.steptrace.protocol.MessageBlock;
import org.steptrace.protocol.PayloadWriter;

/**
 * The emulator's figures: step events per second in virtual time, how much faster than real time
 * a print-like load runs, and timer lateness when paced against the wall clock.
 */
public final class EmulatorBench {
    private static final String[] STEPPERS = {
        "config_stepper oid=%d step_pin=PF0 dir_pin=PF1 invert_step=0 step_pulse_ticks=32",
        "config_stepper oid=%d step_pin=PF6 dir_pin=PF7 invert_step=0 step_pulse_ticks=32",
        "config_stepper oid=%d step_pin=PL3 dir_pin=PL1 invert_step=0 step_pulse_ticks=32",
        "config_stepper oid=%d step_pin=PA4 dir_pin=PA6 invert_step=0 step_pulse_ticks=32",
    };

    private final double seconds;

    public EmulatorBench(double seconds) {
        this.seconds = seconds;
    }

    /** An emulated AVR board fed directly, without a link: commands go in as blocks. */
    private static final class Feeder {
        final EmulatedBoard board;
        final Mcu mcu;
        final DataDictionary dict;
        private final PayloadWriter block = new PayloadWriter();
        private int seq;

        Feeder() {
            BoardDefinition def = BoardLoader.builtIn("avr-cartesian");
            board = new EmulatedBoard(def, 1, McuTap.NONE, bytes -> {}, (f, t) -> {});
            mcu = board.mcu();
            dict = mcu.dictionary();
        }

        void send(String command) {
            PayloadWriter w = new PayloadWriter();
            CommandText.parse(dict, command).encode(w);
            if (block.size() + w.size() > MessageBlock.MAX_PAYLOAD) flush();
            block.writeBytes(w.array(), 0, w.size());
        }

        void flush() {
            if (block.size() == 0) return;
            byte[] b = new MessageBlock(seq++ & MessageBlock.SEQ_MASK, block.toBytes()).encode();
            mcu.receive(b, 0, b.length);
            block.reset();
        }

        void configure() {
            send("allocate_oids count=7");
            for (int i = 0; i < STEPPERS.length; i++) send(String.format(STEPPERS[i], i));
            send("config_digital_out oid=4 pin=PB4 value=0 default_value=0 max_duration=48000000");
            send("set_digital_out_pwm_cycle oid=4 cycle_ticks=1600000");
            send("config_analog_in oid=5 pin=PK5");
            send("config_analog_in oid=6 pin=PK6");
            send("finalize_config crc=0");
            flush();
        }
    }

    public List<BenchFigure> run() {
        List<BenchFigure> figures = new ArrayList<>();
        figures.add(new BenchFigure("emulator.virtual.step_events", stepEventsPerSecond(), "events/s"));
        figures.add(new BenchFigure("emulator.virtual.print_speedup", printSpeedup(), "x_realtime"));
        for (boolean spin : new boolean[] {false, true}) {
            Histogram h = realtimeLateness(spin);
            String mode = spin ? "spin" : "park";
            figures.add(new BenchFigure("emulator.realtime." + mode + ".lateness_p50", h.getValueAtPercentile(50) / 1e3, "us"));
            figures.add(new BenchFigure("emulator.realtime." + mode + ".lateness_p99", h.getValueAtPercentile(99) / 1e3, "us"));
            figures.add(new BenchFigure("emulator.realtime." + mode + ".lateness_p99.9", h.getValueAtPercentile(99.9) / 1e3, "us"));
        }
        return figures;
    }

    /** Four steppers with long moves: scheduler and step handling alone. */
    private double stepEventsPerSecond() {
        return Stopwatch.measure(seconds, () -> {
            Feeder f = new Feeder();
            f.configure();
            long t = 1_600_000;
            for (int i = 0; i < STEPPERS.length; i++) {
                f.send("queue_step oid=" + i + " interval=" + (t + i * 7) + " count=1 add=0");
                for (int m = 0; m < 20; m++) f.send("queue_step oid=" + i + " interval=" + (400 + 13 * i) + " count=60000 add=0");
            }
            f.flush();
            long before = countSteps(f);
            f.mcu.advanceTo(t + 20L * 60_000 * 500);
            return countSteps(f) - before;
        }).perSecond();
    }

    private static long countSteps(Feeder f) {
        return f.mcu.stepsTaken();
    }

    /**
     * A print-shaped load on virtual time: steppers averaging 5000 steps/s together in 40 ms
     * segments, a soft-PWM heater refreshed every 0.3 s and two thermistors sampled 8 times
     * every 0.3 s, commands arriving as blocks as the print goes.
     */
    private double printSpeedup() {
        double simulatedS = 600;
        Stopwatch.Rate r = Stopwatch.measure(seconds, () -> {
            Feeder f = new Feeder();
            f.configure();
            long hz = 16_000_000;
            f.send("query_analog_in oid=5 clock=" + hz + " sample_ticks=16000 sample_count=8 rest_ticks=4800000 min_value=0 max_value=8184 range_check_count=4");
            f.send("query_analog_in oid=6 clock=" + (hz + 160_000) + " sample_ticks=16000 sample_count=8 rest_ticks=4800000 min_value=0 max_value=8184 range_check_count=4");
            long segment = hz / 25; // 40 ms
            long[] last = new long[STEPPERS.length];
            for (int i = 0; i < last.length; i++) {
                last[i] = hz + i;
                f.send("queue_step oid=" + i + " interval=" + last[i] + " count=1 add=0");
            }
            long heaterAt = hz;
            for (long t = hz; t < (long) (simulatedS * hz); t += segment) {
                for (int i = 0; i < STEPPERS.length; i++) {
                    // 1250 steps/s each: 50 steps per 40 ms segment.
                    f.send("queue_step oid=" + i + " interval=" + (segment / 50) + " count=50 add=0");
                }
                while (heaterAt < t + segment) {
                    f.send("queue_digital_out oid=4 clock=" + (heaterAt & 0xFFFFFFFFL) + " on_ticks=" + (400_000 + (heaterAt / 1000) % 800_000));
                    heaterAt += 4_800_000;
                }
                f.flush();
                f.mcu.advanceTo(t);
            }
            return (long) simulatedS;
        });
        return r.perSecond();
    }

    /**
     * A stepper at 2 kHz paced against the wall clock: half a second to warm up (discarded), then
     * the measured stretch.
     */
    private Histogram realtimeLateness(boolean spin) {
        // Let the garbage of the virtual-time figures go first, so its collection is not measured.
        System.gc();
        Feeder f = new Feeder();
        RealtimeRunner runner = new RealtimeRunner(() -> f.mcu, spin);
        runner.start();
        double measureS = Math.max(1, seconds);
        int count = (int) ((0.5 + measureS + 0.5) * 2000);
        String[] cmds = {"allocate_oids count=1", String.format(STEPPERS[0], 0), "finalize_config crc=0",
            "queue_step oid=0 interval=1600000 count=1 add=0", "queue_step oid=0 interval=8000 count=" + count + " add=0"};
        int seq = 0;
        for (String c : cmds) {
            PayloadWriter w = new PayloadWriter();
            CommandText.parse(f.dict, c).encode(w);
            runner.received(new MessageBlock(seq++, w.toBytes()).encode());
        }
        try {
            Thread.sleep(600);
            runner.latenessInterval();
            Thread.sleep((long) (measureS * 1000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Histogram measured = runner.latenessInterval();
        runner.close();
        return measured;
    }
}
