package org.steptrace.host.toolhead;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.steptrace.host.config.PrinterConfig;
import org.steptrace.host.gcode.GcodeCommand;
import org.steptrace.host.gcode.GcodeInterpreter;
import org.steptrace.host.gcode.GcodeParser;
import org.steptrace.host.gcode.Toolhead;
import org.steptrace.host.mcu.McuConfigPlan;
import org.steptrace.protocol.CommandText;
import org.steptrace.protocol.DataDictionary;
import org.steptrace.protocol.Message;
import org.steptrace.protocol.MessageBlock;
import org.steptrace.protocol.PayloadWriter;

/**
 * A host with no MCU: it writes what it would send to a file, as a host's file-output mode does.
 * Queries are answered locally (no config yet, 500 move slots), nothing waits, heater targets
 * are noted but produce no command (no temperatures arrive to act on).
 */
public final class FileHost {
    /** What planning a G-code file produced. */
    public record Result(byte[] stream, List<Message> commands, McuConfigPlan plan, double exitPrintTimeS,
                         Map<String, Long> stepsByStepper, long totalSteps, int moves, List<String> replies) {}

    /** The move queue a file host assumes. */
    static final int FILE_MOVE_COUNT = 500;

    public static Result plan(PrinterConfig config, DataDictionary dict, List<String> gcodeLines, String gcodeName) {
        McuConfigPlan plan = McuConfigPlan.build(config, dict, 0);
        List<Message> commands = new ArrayList<>();
        for (String line : plan.allLines()) commands.add(CommandText.parse(dict, line));
        Map<String, Double> targets = new HashMap<>();
        PrintToolhead toolhead = new PrintToolhead(config, plan, dict, FILE_MOVE_COUNT, o -> commands.add(o.message()));
        List<String> replies = new ArrayList<>();
        Toolhead withHeaters = new HeaterNotingToolhead(toolhead, (h, t, wait) -> targets.put(h, t));
        GcodeInterpreter interp = new GcodeInterpreter(withHeaters, replies::add);
        int line = 0;
        for (String text : gcodeLines) {
            GcodeCommand c = GcodeParser.parse(text, gcodeName, ++line);
            if (c != null) interp.run(c);
            toolhead.backgroundFlush();
        }
        double exit = toolhead.finish();
        Map<String, Long> steps = new HashMap<>();
        for (var s : config.steppers()) steps.put(s.name(), toolhead.stepsOf(s.name()));
        if (config.extruder() != null) steps.put("extruder", toolhead.stepsOf("extruder"));
        return new Result(encode(commands), List.copyOf(commands), plan, exit, Map.copyOf(steps), toolhead.totalSteps(),
                toolhead.movesPlanned(), List.copyOf(replies));
    }

    /** Blocks back to back, seq from 1, each packed with as many whole commands as fit. */
    static byte[] encode(List<Message> commands) {
        PayloadWriter stream = new PayloadWriter(commands.size() * 8);
        PayloadWriter block = new PayloadWriter();
        PayloadWriter one = new PayloadWriter();
        int seq = 1;
        for (Message c : commands) {
            one.reset();
            c.encode(one);
            if (block.size() + one.size() > MessageBlock.MAX_PAYLOAD) {
                stream.writeBytes(new MessageBlock(seq++ & MessageBlock.SEQ_MASK, block.toBytes()).encode(), 0, block.size() + MessageBlock.MIN_LENGTH);
                block.reset();
            }
            block.writeBytes(one.array(), 0, one.size());
        }
        if (block.size() > 0) {
            stream.writeBytes(new MessageBlock(seq & MessageBlock.SEQ_MASK, block.toBytes()).encode(), 0, block.size() + MessageBlock.MIN_LENGTH);
        }
        return stream.toByteArray();
    }

    private FileHost() {}

    /** Passes everything to the toolhead and heater commands to a note-taker. */
    private record HeaterNotingToolhead(PrintToolhead inner, HeaterTargets heaters) implements Toolhead {
        @Override
        public double[] position() {
            return inner.position();
        }

        @Override
        public void move(double[] target, double speedMmPerS) {
            inner.move(target, speedMmPerS);
        }

        @Override
        public void home(java.util.Set<Character> axes) {
            inner.home(axes);
        }

        @Override
        public void dwell(double seconds) {
            inner.dwell(seconds);
        }

        @Override
        public void waitMoves() {
            inner.waitMoves();
        }

        @Override
        public void setVelocityLimit(Double v, Double a, Double scv, Double mcr) {
            inner.setVelocityLimit(v, a, scv, mcr);
        }

        @Override
        public void setFanSpeed(double fraction) {
            inner.setFanSpeed(fraction);
        }

        @Override
        public void motorsOff() {
            inner.motorsOff();
        }
    }
}
