package org.steptrace.trace;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a trace holds at a glance: records per type, print time, net steps per stepper as sent
 * (in direction-pin terms, as the MCU counts them), the worst timer lateness, the highest
 * temperature per heater, and every shutdown.
 */
public final class TraceSummary {
    private final TraceRecord.Header header;
    private final Map<String, Long> countsByType = new TreeMap<>();
    private final Map<String, Long> netStepsByStepper = new TreeMap<>();
    private final Map<String, Double> maxTempByHeater = new TreeMap<>();
    private final List<String> shutdowns = new ArrayList<>();
    private final List<String> warnings;
    private double printTimeS;
    private double maxLateUs;

    private TraceSummary(TraceReader reader) throws IOException {
        this.header = reader.header();
        countsByType.put("header", 1L);
        reader.forEach(this::add);
        this.warnings = reader.warnings();
    }

    public static TraceSummary of(Path file) throws IOException {
        try (TraceReader r = TraceReader.open(file)) {
            return new TraceSummary(r);
        }
    }

    private void add(TraceRecord r) {
        countsByType.merge(typeName(r), 1L, Long::sum);
        if (r instanceof TraceRecord.Move m) {
            printTimeS = Math.max(printTimeS, m.printTimeS() + m.durationS());
        } else if (r instanceof TraceRecord.StepBatch s) {
            netStepsByStepper.merge(s.stepper(), (long) s.count() * (s.dir() == 1 ? 1 : -1), Long::sum);
        } else if (r instanceof TraceRecord.Thermal t && t.temperatureC() != null) {
            maxTempByHeater.merge(t.heater(), t.temperatureC(), Math::max);
        } else if (r instanceof TraceRecord.Lateness l) {
            maxLateUs = Math.max(maxLateUs, l.lateUs());
        } else if (r instanceof TraceRecord.Shutdown s) {
            shutdowns.add(String.format(Locale.ROOT, "%s at %.3f s: %s", s.side(), s.timeS(), s.reason()));
        } else if (r instanceof TraceRecord.Stats s && s.values().get("print_time_s") instanceof Number n) {
            printTimeS = Math.max(printTimeS, n.doubleValue());
        }
    }

    /** The record's {@code type} as written in the file. */
    public static String typeName(TraceRecord r) {
        return TYPE_NAMES.get(r.getClass());
    }

    private static final Map<Class<?>, String> TYPE_NAMES = typeNames();

    private static Map<Class<?>, String> typeNames() {
        Map<Class<?>, String> m = new java.util.HashMap<>();
        for (var t : TraceRecord.class.getAnnotation(com.fasterxml.jackson.annotation.JsonSubTypes.class).value()) m.put(t.value(), t.name());
        return m;
    }

    public Map<String, Long> countsByType() {
        return countsByType;
    }

    public double printTimeS() {
        return printTimeS;
    }

    public void print(PrintWriter out) {
        out.printf(Locale.ROOT, "board %s, seed %s, %s pacing, %.0f Hz, schema %d%n", header.board(), header.seed(), header.pacing(),
                header.clockFreqHz(), header.schemaVersion());
        out.printf(Locale.ROOT, "print time %.3f s%n", printTimeS);
        out.println("records:");
        countsByType.forEach((k, v) -> out.printf(Locale.ROOT, "  %-16s %10d%n", k, v));
        if (!netStepsByStepper.isEmpty()) {
            out.println("net steps sent (dir-pin sense):");
            netStepsByStepper.forEach((k, v) -> out.printf(Locale.ROOT, "  %-16s %10d%n", k, v));
        }
        if (countsByType.containsKey("lateness")) out.printf(Locale.ROOT, "max timer lateness %.1f us%n", maxLateUs);
        maxTempByHeater.forEach((k, v) -> out.printf(Locale.ROOT, "highest temperature %s %.1f C%n", k, v));
        out.println(shutdowns.isEmpty() ? "shutdowns: none" : "shutdowns:");
        shutdowns.forEach(s -> out.println("  " + s));
        warnings.forEach(w -> out.println("warning: " + w));
    }
}
