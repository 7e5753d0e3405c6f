package org.steptrace.trace;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/**
 * Streams records as JSON Lines, gzip-compressed when the file name ends in ".gz", from a writer
 * thread of its own: the run hands records over a bounded queue (so memory stays bounded and a
 * fast run waits rather than piling up) and goes on while they are turned into JSON. Whole
 * records reach the file within about two flush periods of {@value #FLUSH_INTERVAL_MS} ms, and at
 * once for shutdowns, faults and stats, so a run that dies leaves a trace readable up to its last
 * flushed record.
 */
public final class TraceWriter implements TraceSink, Closeable {
    static final long FLUSH_INTERVAL_MS = 20;
    /**
     * Records go over in batches of this many, at most {@value #QUEUE_BATCHES} queued (a few MB). Large
     * batches matter: each hand-over wakes the writer, and a wake-up costs the run more than
     * the records it carries (measured with {@code bench --only trace}).
     */
    static final int BATCH_RECORDS = 4096;
    static final int QUEUE_BATCHES = 8;
    /** Marks the end of the stream on the queue. */
    private static final java.util.List<TraceRecord> END = java.util.List.of();

    private final RecordJson records = new RecordJson();
    private final OutputStream out;
    private final Path file;
    private final java.util.concurrent.ArrayBlockingQueue<java.util.List<TraceRecord>> queue =
            new java.util.concurrent.ArrayBlockingQueue<>(QUEUE_BATCHES);
    private java.util.List<TraceRecord> batch = new java.util.ArrayList<>(BATCH_RECORDS);
    private long lastHandOverNanos = System.nanoTime();
    private final Thread thread;
    private volatile Exception failure;
    private long lastFlushNanos = System.nanoTime();
    private boolean closed;
    /** Guards the batch the run fills (record, close) against the writer taking a stale one. */
    private final java.util.concurrent.locks.ReentrantLock lock = new java.util.concurrent.locks.ReentrantLock();

    private TraceWriter(OutputStream out, Path file) throws IOException {
        this.out = out;
        this.file = file;
        this.thread = new Thread(this::drain, "trace-writer " + file.getFileName());
        thread.setDaemon(true);
        thread.start();
    }

    /** Creates (or replaces) {@code file} and writes {@code header} as its first line. */
    public static TraceWriter create(Path file, TraceRecord.Header header) throws IOException {
        boolean gz = file.getFileName().toString().endsWith(".gz");
        OutputStream raw = Files.newOutputStream(file);
        // Buffered in front of gzip too: the deflater then gets large chunks, not one call per record.
        OutputStream out = new BufferedOutputStream(gz ? new FastGzip(raw) : raw, 1 << 16);
        TraceWriter w = new TraceWriter(out, file);
        w.record(header);
        return w;
    }

    @Override
    public void record(TraceRecord r) {
        lock.lock();
        try {
            recordLocked(r);
        } finally {
            lock.unlock();
        }
    }

    private void recordLocked(TraceRecord r) {
        if (failure != null) {
            throw new UncheckedIOException(file + ": cannot write trace: " + failure.getMessage(),
                    failure instanceof IOException io ? io : new IOException(failure));
        }
        batch.add(r);
        // A batch that fills slowly is taken by the writer itself once it is a flush period old.
        if (batch.size() >= BATCH_RECORDS || urgent(r)) handOver(System.nanoTime());
    }

    private static boolean urgent(TraceRecord r) {
        return r instanceof TraceRecord.Shutdown || r instanceof TraceRecord.Fault || r instanceof TraceRecord.Stats
                || r instanceof TraceRecord.Header;
    }

    private void handOver(long now) {
        try {
            // Never wait on a writer that has stopped: its failure is reported instead.
            while (!queue.offer(batch, FLUSH_INTERVAL_MS, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                if (failure != null) throw new UncheckedIOException(file + ": cannot write trace: " + failure.getMessage(),
                        failure instanceof IOException io ? io : new IOException(failure));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while recording", e);
        }
        batch = new java.util.ArrayList<>(BATCH_RECORDS);
        lastHandOverNanos = now;
    }

    private void drain() {
        try {
            while (true) {
                java.util.List<TraceRecord> rs = queue.poll(FLUSH_INTERVAL_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
                if (rs == END) break;
                if (rs == null) rs = takeStaleBatch();
                boolean urgent = false;
                if (rs != null) {
                    for (TraceRecord r : rs) {
                        records.writeLine(r, out);
                        urgent |= urgent(r);
                    }
                }
                long now = System.nanoTime();
                if (urgent || now - lastFlushNanos >= FLUSH_INTERVAL_MS * 1_000_000) {
                    out.flush();
                    lastFlushNanos = now;
                }
            }
        } catch (IOException | RuntimeException e) {
            // Whatever stops the writer is reported to the run, which must not wait on a dead queue.
            failure = e;
            queue.clear();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Records the run has not handed over for a flush period (it went quiet): the writer takes them
     * itself. Only if the run is not recording or closing right now: the writer must never wait for
     * the run, which may itself be waiting for the writer.
     */
    private java.util.List<TraceRecord> takeStaleBatch() {
        if (!lock.tryLock()) return null;
        try {
            // A batch handed over since the writer's poll is still queued: taking the newer one now would reorder records.
            if (!queue.isEmpty() || batch.isEmpty() || System.nanoTime() - lastHandOverNanos < FLUSH_INTERVAL_MS * 1_000_000) return null;
            java.util.List<TraceRecord> stale = batch;
            batch = new java.util.ArrayList<>(BATCH_RECORDS);
            lastHandOverNanos = System.nanoTime();
            return stale;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() throws IOException {
        lock.lock();
        try {
            if (closed) return;
            closed = true;
        } finally {
            lock.unlock();
        }
        boolean interrupted = false;
        try {
            lock.lock();
            try {
                if (failure == null && !batch.isEmpty()) handOver(System.nanoTime());
            } finally {
                lock.unlock();
            }
        } catch (RuntimeException e) {
            if (failure == null) failure = e;
        }
        // The end marker and the join happen without the lock, so a writer trying for it is never
        // stuck; an interrupt does not cut this short, since the streams may close only after the writer ends.
        while (thread.isAlive()) {
            try {
                if (failure != null || queue.offer(END, FLUSH_INTERVAL_MS, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                    if (failure != null) thread.interrupt();
                    thread.join();
                }
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        try {
            out.close();
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
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
