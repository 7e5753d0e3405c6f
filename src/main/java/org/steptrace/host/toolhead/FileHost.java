package org.steptrace.host.toolhead;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.steptrace.host.config.PrinterConfig;
import org.steptrace.host.gcode.GcodeCommand;
import org.steptrace.host.gcode.GcodeInterpreter;
import org.steptrace.host.gcode.GcodeParser;
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
    public record Result(byte[] stream, int commands, McuConfigPlan plan, double exitPrintTimeS,
                         Map<String, Long> stepsByStepper, long totalSteps, int moves, List<String> replies) {}

    static final int READ_BYTES = 4096;

    /** The move queue a file host assumes. */
    static final int FILE_MOVE_COUNT = 500;

    public static Result plan(PrinterConfig config, DataDictionary dict, List<String> gcodeLines, String gcodeName) {
        McuConfigPlan plan = McuConfigPlan.build(config, dict, 0);
        BlockWriter writer = new BlockWriter();
        for (String line : plan.allLines()) writer.add(CommandText.parse(dict, line));
        Map<String, Double> targets = new HashMap<>();
        // Heater targets are only noted: no temperatures arrive to act on, and nothing waits.
        PrintToolhead toolhead = new PrintToolhead(config, plan, dict, FILE_MOVE_COUNT, o -> writer.add(o.message()),
                (h, t, wait) -> targets.put(h, t), null);
        List<String> replies = new ArrayList<>();
        GcodeInterpreter interp = new GcodeInterpreter(toolhead, replies::add);
        // A file host reads 4096 bytes at a time, runs the whole lines of each read, then flushes.
        int line = 0;
        long lineEnd = 0;
        long readEnd = READ_BYTES;
        for (String text : gcodeLines) {
            lineEnd += text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 1;
            while (lineEnd > readEnd) {
                toolhead.batchFlush();
                readEnd += READ_BYTES;
            }
            GcodeCommand c = GcodeParser.parse(text, gcodeName, ++line);
            if (c != null) interp.run(c);
        }
        toolhead.batchFlush();
        double exit = toolhead.finish();
        Map<String, Long> steps = new HashMap<>();
        for (var s : config.steppers()) steps.put(s.name(), toolhead.stepsOf(s.name()));
        if (config.extruder() != null) steps.put("extruder", toolhead.stepsOf("extruder"));
        return new Result(writer.finish(), writer.count(), plan, exit, Map.copyOf(steps), toolhead.totalSteps(),
                toolhead.movesPlanned(), List.copyOf(replies));
    }

    /** Packs messages into blocks as they come (seq from 1), so nothing but bytes is kept. */
    private static final class BlockWriter {
        private final PayloadWriter stream = new PayloadWriter(1 << 16);
        private final PayloadWriter block = new PayloadWriter();
        private final PayloadWriter one = new PayloadWriter();
        private final byte[] frame = new byte[MessageBlock.MAX_LENGTH];
        private int seq = 1;
        private int count;

        void add(Message m) {
            one.reset();
            m.encode(one);
            if (block.size() + one.size() > MessageBlock.MAX_PAYLOAD) flushBlock();
            block.writeBytes(one.array(), 0, one.size());
            count++;
        }

        private void flushBlock() {
            System.arraycopy(block.array(), 0, frame, MessageBlock.HEADER_LENGTH, block.size());
            int len = MessageBlock.frame(frame, 0, seq++ & MessageBlock.SEQ_MASK, block.size());
            stream.writeBytes(frame, 0, len);
            block.reset();
        }

        byte[] finish() {
            if (block.size() > 0) flushBlock();
            return stream.toByteArray();
        }

        int count() {
            return count;
        }
    }

    private FileHost() {}

}
