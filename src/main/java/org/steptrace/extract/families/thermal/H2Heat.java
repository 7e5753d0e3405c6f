package org.steptrace.extract.families.thermal;

import java.util.ArrayList;
import java.util.List;
import org.steptrace.extract.observations.RecordRange;
import org.steptrace.extract.observations.TraceView;
import org.steptrace.trace.TraceRecord;

/** What H2's thermal families read when finding and writing: the host's samples of one heater, and the scenario's names. */
final class H2Heat {
    /** One host temperature sample: time, measured temperature, target and duty, with its line. */
    record S(int line, double t, double temp, double target, double duty) {}

    private H2Heat() {}

    /**
     * The first heat-up and hold: the samples from the first with a target set to the last that
     * still has that same target; empty when no target was ever set.
     */
    static List<S> firstHold(List<S> s) {
        int i0 = 0;
        while (i0 < s.size() && !(s.get(i0).target() > 0)) i0++;
        if (i0 == s.size()) return List.of();
        int i1 = i0;
        while (i1 + 1 < s.size() && s.get(i1 + 1).target() == s.get(i0).target()) i1++;
        return s.subList(i0, i1 + 1);
    }

    static List<S> host(TraceView trace, String heater) {
        List<S> out = new ArrayList<>();
        for (TraceView.At<TraceRecord.Thermal> at : trace.all(TraceRecord.Thermal.class)) {
            add(out, at, heater);
        }
        return out;
    }

    static List<S> host(TraceView trace, RecordRange range, String heater) {
        List<S> out = new ArrayList<>();
        for (TraceView.At<TraceRecord.Thermal> at : trace.within(range, TraceRecord.Thermal.class)) {
            add(out, at, heater);
        }
        return out;
    }

    private static void add(List<S> out, TraceView.At<TraceRecord.Thermal> at, String heater) {
        TraceRecord.Thermal r = at.record();
        if (!heater.equals(r.heater()) || r.temperatureC() == null || r.targetC() == null || r.duty() == null) return;
        if (!Double.isFinite(r.temperatureC())) return;
        out.add(new S(at.line(), r.timeS(), r.temperatureC(), r.targetC(), r.duty()));
    }

    static List<String> heaters(TraceView trace) {
        List<String> out = new ArrayList<>();
        for (TraceView.At<TraceRecord.Thermal> at : trace.all(TraceRecord.Thermal.class)) {
            String h = at.record().heater();
            if (h != null && !out.contains(h)) out.add(h);
        }
        return out;
    }

    /** The scenario kind from the trace id ("0002-heat-up-avr-cartesian" → "heat-up"). */
    static String kind(TraceView trace) {
        String id = trace.id().replaceFirst("^\\d+-", "");
        String board = trace.header().board();
        if (board != null && id.endsWith("-" + board)) id = id.substring(0, id.length() - board.length() - 1);
        return id;
    }

    static String kinematics(TraceView trace) {
        String k = trace.settingText("kinematics");
        return k == null ? "unknown" : k;
    }

    /** Plain words for a heater ("hot end", "heated bed"). */
    static String words(String heater) {
        return heater.contains("bed") ? "heated bed" : "hot end";
    }

    static String scenarioWords(String kind) {
        return switch (kind) {
            case "heat-up" -> "a heat-up run (heat to a target, hold, then switch off)";
            case "print" -> "the warm-up before a small print";
            case "autotune" -> "the warm-up ramp of a relay autotune";
            case "bed" -> "a bed run under on/off control";
            default -> kind.startsWith("fault-")
                    ? "the warm-up of a hold that a later " + kind.substring("fault-".length()).replace('-', ' ') + " fault interrupted"
                    : "a " + kind.replace('-', ' ') + " run";
        };
    }
}
