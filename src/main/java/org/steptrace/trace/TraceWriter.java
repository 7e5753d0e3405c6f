package org.steptrace.trace;

import com.fasterxml.jackson.core.JsonProcessingException;
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
 * bounded (nothing is kept); each whole record is pushed to the file promptly (plain: every
 * record; gzip: a sync flush every {@value #GZIP_SYNC_RECORDS} records and on shutdowns), so a
 * run that dies leaves a trace readable up to its last flushed record.
 */
public final class TraceWriter implements TraceSink, Closeable {
    static final int GZIP_SYNC_RECORDS = 256;

    private final ObjectWriter json = Json.mapper().writerFor(TraceRecord.class);
    private final OutputStream out;
    private final boolean gzip;
    private final Path file;
    private int sinceSync;
    private long records;

    private TraceWriter(OutputStream out, boolean gzip, Path file) {
        this.out = out;
        this.gzip = gzip;
        this.file = file;
    }

    /** Creates (or replaces) {@code file} and writes {@code header} as its first line. */
    public static TraceWriter create(Path file, TraceRecord.Header header) throws IOException {
        boolean gz = file.getFileName().toString().endsWith(".gz");
        OutputStream raw = Files.newOutputStream(file);
        OutputStream out = gz ? new GZIPOutputStream(raw, 1 << 16, true) : new BufferedOutputStream(raw, 1 << 16);
        TraceWriter w = new TraceWriter(out, gz, file);
        w.record(header);
        return w;
    }

    @Override
    public synchronized void record(TraceRecord r) {
        try {
            out.write(json.writeValueAsString(r).getBytes(StandardCharsets.UTF_8));
            out.write('\n');
            records++;
            if (!gzip || ++sinceSync >= GZIP_SYNC_RECORDS || r instanceof TraceRecord.Shutdown) {
                out.flush();
                sinceSync = 0;
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("record does not serialise: " + r, e);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot write trace: " + e.getMessage(), e);
        }
    }

    public long records() {
        return records;
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }
}
