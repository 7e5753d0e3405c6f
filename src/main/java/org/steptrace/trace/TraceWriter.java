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
 * Streams records as JSON Lines, gzip-compressed when the file name ends in ".gz", from a writer
 * thread of its own: the run hands records over a bounded queue (so memory stays bounded and a
 * fast run waits rather than piling up) and goes on while they are turned into JSON. Whole
 * records reach the file at least every {@value #FLUSH_INTERVAL_MS} ms, and at once for
 * shutdowns, faults and stats, so a run that dies leaves a trace readable up to its last
 * flushed record.
 */
public final class TraceWriter implements TraceSink, Closeable {
    static final long FLUSH_INTERVAL_MS = 20;
    static final int QUEUE_RECORDS = 16_384;
    /** Marks the end of the stream on the queue. */
    private static final TraceRecord END = new TraceRecord.Stats(java.util.Map.of());

    private final ObjectWriter json = Json.mapper().writerFor(TraceRecord.class);
    private final JsonGenerator generator;
    private final OutputStream out;
    private final Path file;
    private final java.util.concurrent.ArrayBlockingQueue<TraceRecord> queue = new java.util.concurrent.ArrayBlockingQueue<>(QUEUE_RECORDS);
    private final Thread thread;
    private volatile IOException failure;
    private long lastFlushNanos = System.nanoTime();
    private long records;
    private boolean closed;

    private TraceWriter(OutputStream out, Path file) throws IOException {
        this.out = out;
        this.file = file;
        this.generator = json.createGenerator(out).disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
                .disable(JsonGenerator.Feature.FLUSH_PASSED_TO_STREAM);
        this.generator.setRootValueSeparator(null);
        this.thread = new Thread(this::drain, "trace-writer " + file.getFileName());
        thread.setDaemon(true);
        thread.start();
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
    public void record(TraceRecord r) {
        if (failure != null) throw new UncheckedIOException(file + ": cannot write trace: " + failure.getMessage(), failure);
        try {
            queue.put(r);
            records++;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while recording", e);
        }
    }

    private void drain() {
        try {
            while (true) {
                TraceRecord r = queue.poll(FLUSH_INTERVAL_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
                if (r == END) break;
                if (r != null) {
                    json.writeValue(generator, r);
                    generator.writeRaw('\n');
                }
                long now = System.nanoTime();
                boolean urgent = r instanceof TraceRecord.Shutdown || r instanceof TraceRecord.Fault || r instanceof TraceRecord.Stats
                        || r instanceof TraceRecord.Header;
                if (urgent || now - lastFlushNanos >= FLUSH_INTERVAL_MS * 1_000_000) {
                    generator.flush();
                    out.flush();
                    lastFlushNanos = now;
                }
            }
            generator.flush();
        } catch (IOException e) {
            failure = e;
            queue.clear();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Records handed over so far. */
    public long records() {
        return records;
    }

    @Override
    public synchronized void close() throws IOException {
        if (closed) return;
        closed = true;
        try {
            if (failure == null) queue.put(END);
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        generator.close();
        out.close();
        if (failure != null) throw new IOException(file + ": cannot write trace: " + failure.getMessage(), failure);
    }

    /** Gzip at the fastest level: traces are repetitive, so it still shrinks them about tenfold. */
    private static final class FastGzip extends GZIPOutputStream {
        FastGzip(OutputStream out) throws IOException {
            super(out, 1 << 16, true);
            def.setLevel(java.util.zip.Deflater.BEST_SPEED);
        }
    }
}
