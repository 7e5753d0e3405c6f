package org.steptrace.trace;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/**
 * Streams records as JSON Lines, gzip-compressed when the file name ends in ".gz". Memory stays
 * bounded (nothing is kept). Whole records reach the file at least every
 * {@value #FLUSH_INTERVAL_MS} ms of wall time, and at once for shutdowns, faults and stats,
 * so a run that dies leaves a trace readable up to its last flushed record without paying a
 * system call per record.
 */
public final class TraceWriter implements TraceSink, Closeable {
    static final long FLUSH_INTERVAL_MS = 20;

    private final ObjectWriter json = Json.mapper().writerFor(TraceRecord.class);
    private final JsonGenerator generator;
    private final OutputStream out;
    private final Path file;
    private long lastFlushNanos = System.nanoTime();
    private long records;

    private TraceWriter(OutputStream out, Path file) throws IOException {
        this.out = out;
        this.file = file;
        this.generator = json.createGenerator(out).disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
                .disable(JsonGenerator.Feature.FLUSH_PASSED_TO_STREAM);
        this.generator.setRootValueSeparator(null);
    }

    /** Creates (or replaces) {@code file} and writes {@code header} as its first line. */
    public static TraceWriter create(Path file, TraceRecord.Header header) throws IOException {
        boolean gz = file.getFileName().toString().endsWith(".gz");
        OutputStream raw = Files.newOutputStream(file);
        OutputStream out = gz ? new FastGzip(raw) : new BufferedOutputStream(raw, 1 << 16);
        TraceWriter w = new TraceWriter(out, file);
        w.record(header);
        return w;
    }

    @Override
    public synchronized void record(TraceRecord r) {
        try {
            json.writeValue(generator, r);
            generator.writeRaw('\n');
            records++;
            long now = System.nanoTime();
            boolean urgent = r instanceof TraceRecord.Shutdown || r instanceof TraceRecord.Fault || r instanceof TraceRecord.Stats
                    || r instanceof TraceRecord.Header;
            if (urgent || now - lastFlushNanos >= FLUSH_INTERVAL_MS * 1_000_000) {
                generator.flush();
                out.flush();
                lastFlushNanos = now;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot write trace: " + e.getMessage(), e);
        }
    }

    public long records() {
        return records;
    }

    @Override
    public synchronized void close() throws IOException {
        generator.flush();
        generator.close();
        out.close();
    }

    /** Gzip at the fastest level: traces are repetitive, so it still shrinks them about tenfold. */
    private static final class FastGzip extends GZIPOutputStream {
        FastGzip(OutputStream out) throws IOException {
            super(out, 1 << 16, true);
            def.setLevel(java.util.zip.Deflater.BEST_SPEED);
        }
    }
}
