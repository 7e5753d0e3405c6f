package org.steptrace.extract.observations;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.steptrace.trace.TraceReader;
import org.steptrace.trace.TraceRecord;

/**
 * A whole trace in memory, addressed by line (the header is line 1), with what families ask of
 * it most: records of one kind with their lines, the machine's settings, and its identity for
 * provenance (id from the file name, sha256 of its JSON Lines content: for a .gz trace, of the
 * uncompressed bytes, since compression may differ between equal traces).
 */
public final class TraceView {
    /** A record and the line it is on. */
    public record At<T extends TraceRecord>(int line, T record) {}

    private final String id;
    private final String sha256;
    private final TraceRecord.Header header;
    private final List<TraceRecord> records;
    private final Map<String, Object> settings;
    private final List<String> warnings;

    private TraceView(String id, String sha256, TraceRecord.Header header, List<TraceRecord> records, List<String> warnings) {
        this.id = id;
        this.sha256 = sha256;
        this.header = header;
        this.records = records;
        this.warnings = warnings;
        Map<String, Object> s = Map.of();
        for (TraceRecord r : records) {
            if (r instanceof TraceRecord.Config c) {
                s = c.settings();
                break;
            }
        }
        this.settings = s;
    }

    public static TraceView load(Path file) throws IOException {
        List<TraceRecord> records = new ArrayList<>();
        records.add(null); // line 1 is the header
        TraceRecord.Header header;
        List<String> warnings;
        try (TraceReader in = TraceReader.open(file)) {
            header = in.header();
            records.set(0, header);
            in.forEach(records::add);
            warnings = in.warnings();
        }
        return new TraceView(idOf(file), sha256(file), header, Collections.unmodifiableList(records), List.copyOf(warnings));
    }

    /** The trace's name: its file name without .jsonl or .jsonl.gz. */
    public static String idOf(Path file) {
        return file.getFileName().toString().replaceFirst("\\.jsonl(\\.gz)?$", "");
    }

    public String id() {
        return id;
    }

    public String sha256() {
        return sha256;
    }

    public TraceRecord.Header header() {
        return header;
    }

    public List<String> warnings() {
        return warnings;
    }

    /** "emulated" or "real". */
    public String source() {
        return header.emulated() ? "emulated" : "real";
    }

    public long seed() {
        return header.seed() == null ? 0 : header.seed();
    }

    public int lines() {
        return records.size();
    }

    /** The record on {@code line} (1-based). */
    public TraceRecord at(int line) {
        return records.get(line - 1);
    }

    /** Every record of {@code kind}, in order, with its line. */
    public <T extends TraceRecord> List<At<T>> all(Class<T> kind) {
        List<At<T>> out = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            TraceRecord r = records.get(i);
            if (kind.isInstance(r)) out.add(new At<>(i + 1, kind.cast(r)));
        }
        return out;
    }

    /** The records of {@code kind} within {@code range}, in order. */
    public <T extends TraceRecord> List<At<T>> within(RecordRange range, Class<T> kind) {
        List<At<T>> out = new ArrayList<>();
        for (int line = range.fromLine(); line <= Math.min(range.toLine(), records.size()); line++) {
            TraceRecord r = records.get(line - 1);
            if (kind.isInstance(r)) out.add(new At<>(line, kind.cast(r)));
        }
        return out;
    }

    /** The host's readings of {@code heater} within {@code range} (its temperature, target and output), in order. */
    public List<TraceRecord.Thermal> hostReadings(RecordRange range, String heater) {
        List<TraceRecord.Thermal> out = new ArrayList<>();
        for (At<TraceRecord.Thermal> at : within(range, TraceRecord.Thermal.class)) {
            if (isHostReading(at.record(), heater)) out.add(at.record());
        }
        return out;
    }

    private static boolean isHostReading(TraceRecord.Thermal t, String heater) {
        return heater.equals(t.heater()) && t.temperatureC() != null && t.targetC() != null && t.duty() != null;
    }

    /**
     * The host's first reading of {@code heater} (a thermal record with its temperature, target
     * and output): where the heater started, usually ambient. NaN when the trace has none.
     */
    public double firstHostReadingC(String heater) {
        for (TraceRecord r : records) {
            if (r instanceof TraceRecord.Thermal t && isHostReading(t, heater)) {
                return t.temperatureC();
            }
        }
        return Double.NaN;
    }

    /** The host's settings (the config record), empty for a trace without one. */
    public Map<String, Object> settings() {
        return settings;
    }

    /** A numeric setting, or NaN when the trace does not have it. */
    public double setting(String key) {
        Object v = settings.get(key);
        return v instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    /** A text setting, or null. */
    public String settingText(String key) {
        Object v = settings.get(key);
        return v == null ? null : v.toString();
    }

    /** The MCU clock frequency the header gives (Hz). */
    public double clockHz() {
        return header.clockFreqHz();
    }

    private static String sha256(Path file) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            InputStream raw = Files.newInputStream(file);
            if (file.getFileName().toString().endsWith(".gz")) raw = new java.util.zip.GZIPInputStream(raw);
            try (InputStream in = new DigestInputStream(raw, md)) {
                in.transferTo(java.io.OutputStream.nullOutputStream());
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
