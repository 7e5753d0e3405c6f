package org.steptrace.firmware;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Paces an emulated MCU against the wall clock for a live host: ticks come from the monotonic
 * clock, the runner thread parks until just before the next timer (then optionally spins) and
 * wakes early when bytes arrive. Every timer's lateness is recorded; one later than the
 * board's limit shuts the MCU down "Rescheduled timer in the past", as an overloaded MCU would.
 */
public final class RealtimeRunner implements AutoCloseable {
    /** Park until this long before a deadline, then spin (when spinning is on): parking overshoots ~70-150 us. */
    private static final long SPIN_MARGIN_NS = 200_000;
    /** The longest the loop sleeps without looking at the plant and the link. */
    private static final long MAX_PARK_NS = 50_000_000;

    /** An MCU with whatever lives behind its pins: the MCU, and a hook that lets the rest catch up with time. */
    @FunctionalInterface
    public interface Target {
        Mcu mcu();

        default void advanceTo(double seconds) {}
    }

    private final Target target;
    private final McuSpec spec;
    private final boolean spin;
    private final ConcurrentLinkedQueue<byte[]> inbox = new ConcurrentLinkedQueue<>();
    private final Recorder lateness = new Recorder(3);
    private final Histogram total = new Histogram(3);
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long startNs;
    private volatile Throwable failure;

    public RealtimeRunner(Target target, boolean spin) {
        this.target = target;
        this.spec = target.mcu().spec();
        this.spin = spin;
        this.thread = new Thread(this::loop, "mcu-realtime");
        this.thread.setDaemon(true);
    }

    public void start() {
        startNs = System.nanoTime();
        thread.start();
    }

    /** Bytes from the link; safe from any thread. */
    public void received(byte[] bytes) {
        inbox.add(bytes);
        LockSupport.unpark(thread);
    }

    private long nowTick() {
        return (long) ((System.nanoTime() - startNs) * (spec.clockFrequencyHz() / 1e9));
    }

    private long ticksToNs(long ticks) {
        return (long) (ticks * (1e9 / spec.clockFrequencyHz()));
    }

    private void loop() {
        reduceTimerSlack();
        Mcu mcu = target.mcu();
        try {
            while (running) {
                long now = nowTick();
                while (mcu.nextWakeTick() <= now) {
                    long wake = mcu.nextWakeTick();
                    long late = now - wake;
                    lateness.recordValue(Math.min(ticksToNs(late), TimeUnit.SECONDS.toNanos(3600)));
                    mcu.tap().timerLate(now, late);
                    mcu.advanceTo(wake);
                    if (late > spec.timerLatenessLimitTicks()) mcu.shutdown(ShutdownReason.RESCHEDULED_TIMER_IN_THE_PAST);
                }
                mcu.advanceTo(now);
                // After the overdue timers, so pin changes reach the plant at their own ticks.
                target.advanceTo(spec.seconds(now));
                byte[] in;
                while ((in = inbox.poll()) != null) mcu.receive(in, 0, in.length);
                waitForWork(mcu.nextWakeTick());
            }
        } catch (Throwable t) {
            failure = t;
        }
    }

    private void waitForWork(long wakeTick) {
        while (running && inbox.isEmpty()) {
            long remainingNs = wakeTick == Long.MAX_VALUE ? MAX_PARK_NS : ticksToNs(wakeTick - nowTick());
            if (remainingNs <= 0) return;
            if (!spin || remainingNs > SPIN_MARGIN_NS) {
                long park = Math.min(MAX_PARK_NS, spin ? remainingNs - SPIN_MARGIN_NS : remainingNs);
                LockSupport.parkNanos(park);
                if (park == MAX_PARK_NS) return;
            } else {
                Thread.onSpinWait();
            }
        }
    }

    /**
     * Asks the kernel for fine timer slack on this thread (allowed without root on Linux): the
     * file lives under the thread's own id, /proc/TID/timerslack_ns.
     */
    private static void reduceTimerSlack() {
        try {
            String self = Files.readSymbolicLink(Path.of("/proc/thread-self")).toString();
            String tid = self.substring(self.lastIndexOf('/') + 1);
            Files.writeString(Path.of("/proc", tid, "timerslack_ns"), "1");
        } catch (IOException | RuntimeException e) {
            // Not Linux, or not permitted: parking is just a little coarser.
        }
    }

    /** Timer lateness since the last call (nanoseconds); also added to the run's total. */
    public synchronized Histogram latenessInterval() {
        Histogram h = lateness.getIntervalHistogram();
        total.add(h);
        return h;
    }

    /** Timer lateness over the whole run so far (nanoseconds). */
    public synchronized Histogram latenessTotal() {
        latenessInterval();
        return total.copy();
    }

    /** The error that stopped the loop, if any. */
    public Throwable failure() {
        return failure;
    }

    @Override
    public void close() {
        running = false;
        LockSupport.unpark(thread);
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
