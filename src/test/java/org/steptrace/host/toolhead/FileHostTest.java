package org.steptrace.host.toolhead;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.steptrace.host.config.PrinterConfig;
import org.steptrace.protocol.DataDictionary;
import org.steptrace.testing.Fixtures;

class FileHostTest {
    /** Per stepper oid: steps (with direction) after its last homing, and the clock of its last step. */
    private static Map<Integer, long[]> stepsAfterHoming(List<String> lines) {
        int lastHomingEnd = 0;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("endstop_home") && lines.get(i).contains("sample_count=0")) lastHomingEnd = i;
        }
        Map<Integer, long[]> out = new HashMap<>(); // {net steps, last clock, dir, clock}
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            String[] p = l.split(" ");
            if (l.startsWith("set_next_step_dir")) {
                int oid = Integer.parseInt(p[1].substring(4));
                out.computeIfAbsent(oid, k -> new long[4])[2] = Long.parseLong(p[2].substring(4));
            } else if (l.startsWith("queue_step")) {
                int oid = Integer.parseInt(p[1].substring(4));
                long[] s = out.computeIfAbsent(oid, k -> new long[4]);
                long interval = Long.parseLong(p[2].substring(9));
                int count = Integer.parseInt(p[3].substring(6));
                int add = Integer.parseInt(p[4].substring(4));
                for (int k = 0; k < count; k++) {
                    s[3] += interval;
                    interval += add;
                }
                if (i > lastHomingEnd) s[0] += s[2] == 1 ? count : -count;
                s[1] = s[3];
            }
        }
        return out;
    }

    @Test
    void plansTheFixturePrintLikeTheReferenceHost() {
        PrinterConfig cfg = PrinterConfig.load(Fixtures.path("streams/linux-cartesian.cfg"));
        DataDictionary dict = Fixtures.linuxDictionary();
        FileHost.Result r = FileHost.plan(cfg, dict, Fixtures.text("streams/small-print.gcode").lines().toList(), "small-print.gcode");
        List<String> reference = Fixtures.text("streams/small-print.linuxprocess.dump.txt").lines().toList();
        List<String> decoded = new java.util.ArrayList<>();
        new org.steptrace.protocol.StreamDump(dict).dump(r.stream(), false, decoded::add);
        assertEquals(reference.subList(0, 26), decoded.subList(0, 26), "config, CRC and init");
        Map<Integer, long[]> ref = stepsAfterHoming(reference);
        Map<Integer, long[]> ours = stepsAfterHoming(decoded);
        for (int oid : new int[] {2, 5, 8, 9}) {
            assertEquals(ref.get(oid)[0], ours.get(oid)[0], "oid " + oid + ": steps after homing");
            assertEquals(ref.get(oid)[1] / 50e6, ours.get(oid)[1] / 50e6, 0.001, "oid " + oid + ": time of the last step (s)");
        }
        assertEquals(80.378, r.exitPrintTimeS(), 0.001);
    }
}
