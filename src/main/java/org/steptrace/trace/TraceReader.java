package org.steptrace.trace;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;

/**
 * Reads a trace as a stream: the header first (an unknown schema version is refused), then one
 * record at a time. A torn last line (a run killed mid-write) is skipped with a warning; a bad
 * line before the end is an error naming it. Plain or gzip, whatever the file name says.
 */
public final class TraceReader implements Closeable {
    private final ObjectReader json = Json.RECORD_READER;
    private final BufferedReader in;
    private final String source;
    private final TraceRecord.Header header;
    private final List<String> warnings = new ArrayList<>();
    private String pending;
    private int lineNumber;

    private TraceReader(BufferedReader in, String source) throws IOException {
        this.in = in;
        this.source = source;
        String first = nextLine();
        if (first == null) throw new TraceFormatException(source + ": empty trace (no header)");
        TraceRecord r = parse(first, 1, false);
        if (!(r instanceof TraceRecord.Header h)) throw new TraceFormatException(source + ":1: the first record must be the header");
        if (h.schemaVersion() < TraceRecord.OLDEST_READABLE_SCHEMA || h.schemaVersion() > TraceRecord.SCHEMA_VERSION) {
            throw new TraceFormatException(source + ": schema version " + h.schemaVersion() + " is not supported (this steptrace reads "
                    + TraceRecord.OLDEST_READABLE_SCHEMA + " to " + TraceRecord.SCHEMA_VERSION + ")");
        }
        this.header = h;
        this.pending = nextLine();
    }

    public static TraceReader open(Path file) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(file));
        raw.mark(2);
        boolean gz = raw.read() == 0x1f && raw.read() == 0x8b;
        raw.reset();
        InputStream in = gz ? new GZIPInputStream(raw, 1 << 16) : raw;
        return new TraceReader(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16), file.toString());
    }

    public TraceRecord.Header header() {
        return header;
    }

    /** The next record, or null at the end. */
    public TraceRecord next() throws IOException {
        while (pending != null) {
            String line = pending;
            int number = lineNumber;
            pending = nextLine();
            if (line.isBlank()) continue;
            TraceRecord r = parse(line, number, pending == null);
            if (r != null) return r;
        }
        return null;
    }

    /** Hands every remaining record to {@code each}. */
    public void forEach(Consumer<TraceRecord> each) throws IOException {
        for (TraceRecord r = next(); r != null; r = next()) each.accept(r);
    }

    /** What was skipped (a torn last line), for the user to see. */
    public List<String> warnings() {
        return List.copyOf(warnings);
    }

    private TraceRecord parse(String line, int number, boolean last) {
        try {
            return json.readValue(line);
        } catch (JsonProcessingException e) {
            if (last) {
                warnings.add(source + ":" + number + ": torn last record skipped (the run stopped mid-write)");
                return null;
            }
            throw new TraceFormatException(source + ":" + number + ": not a trace record: " + e.getOriginalMessage(), e);
        }
    }

    private String nextLine() throws IOException {
        try {
            String l = in.readLine();
            if (l != null) lineNumber++;
            return l;
        } catch (EOFException e) {
            // A gzip stream cut short: whatever was whole has been read.
            warnings.add(source + ": compressed trace ends early (the run stopped mid-write)");
            return null;
        }
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
