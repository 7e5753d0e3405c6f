package org.steptrace.link;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * One direction of an in-memory serial line on virtual time. Bytes take their wire time at the
 * baud (10 bits a byte) and arrive in order; an optional seeded {@link Impairment} drops,
 * corrupts, duplicates or delays bytes, so lossy links are reproducible from a seed.
 */
public final class VirtualWire {
    /** Per-byte probabilities of each kind of damage, and the longest extra delay. */
    public record Impairment(double dropP, double corruptP, double duplicateP, double delayP, double maxDelayS) {
        public static final Impairment NONE = new Impairment(0, 0, 0, 0, 0);

        public Impairment {
            for (double p : new double[] {dropP, corruptP, duplicateP, delayP}) {
                if (p < 0 || p > 1) throw new IllegalArgumentException("probability " + p + " outside 0..1");
            }
            if (maxDelayS < 0) throw new IllegalArgumentException("negative delay " + maxDelayS);
        }

        /** Each kind of damage at the same rate, delays up to {@code maxDelayS}. */
        public static Impairment uniform(double p, double maxDelayS) {
            return new Impairment(p, p, p, p, maxDelayS);
        }
    }

    private final double secondsPerByte;
    private final Impairment impairment;
    private final SplittableRandom random;
    private byte[] bytes = new byte[256];
    private double[] arrivalS = new double[256];
    private int head;
    private int tail;
    private double lineFreeAtS;
    private double lastArrivalS;
    private long bytesDropped;
    private long bytesCorrupted;

    public VirtualWire(long baud, Impairment impairment, long seed) {
        this.secondsPerByte = baud > 0 ? 10.0 / baud : 0;
        this.impairment = impairment;
        this.random = new SplittableRandom(seed);
    }

    public VirtualWire(long baud) {
        this(baud, Impairment.NONE, 0);
    }

    /** Puts bytes on the line at {@code nowS}; they follow whatever is still being sent. */
    public void write(byte[] data, double nowS) {
        for (byte b : data) {
            double start = Math.max(nowS, lineFreeAtS);
            lineFreeAtS = start + secondsPerByte;
            if (impairment == Impairment.NONE) {
                push(b, lineFreeAtS);
                continue;
            }
            if (random.nextDouble() < impairment.dropP()) {
                bytesDropped++;
                continue;
            }
            byte v = b;
            if (random.nextDouble() < impairment.corruptP()) {
                v = (byte) (b ^ (1 + random.nextInt(255)));
                bytesCorrupted++;
            }
            double arrive = lineFreeAtS;
            if (random.nextDouble() < impairment.delayP()) {
                arrive += random.nextDouble() * impairment.maxDelayS();
            }
            push(v, arrive);
            if (random.nextDouble() < impairment.duplicateP()) push(v, arrive);
        }
    }

    private void push(byte b, double arriveS) {
        if (tail == bytes.length) {
            int live = tail - head;
            if (head > 0 && live < bytes.length / 2) {
                System.arraycopy(bytes, head, bytes, 0, live);
                System.arraycopy(arrivalS, head, arrivalS, 0, live);
            } else {
                bytes = Arrays.copyOf(bytes, bytes.length * 2);
                arrivalS = Arrays.copyOf(arrivalS, arrivalS.length * 2);
                System.arraycopy(bytes, head, bytes, 0, live);
                System.arraycopy(arrivalS, head, arrivalS, 0, live);
            }
            head = 0;
            tail = live;
        }
        // A serial line never reorders: a delayed byte holds back the ones behind it.
        lastArrivalS = Math.max(lastArrivalS, arriveS);
        bytes[tail] = b;
        arrivalS[tail++] = lastArrivalS;
    }

    /** Every byte that has arrived by {@code nowS}. */
    public byte[] read(double nowS) {
        int end = head;
        while (end < tail && arrivalS[end] <= nowS) end++;
        byte[] out = Arrays.copyOfRange(bytes, head, end);
        head = end;
        if (head == tail) {
            head = 0;
            tail = 0;
        }
        return out;
    }

    /** When the next byte arrives, or +infinity if none is on the way. */
    public double nextArrivalS() {
        return head < tail ? arrivalS[head] : Double.POSITIVE_INFINITY;
    }

    /** Bytes written but not yet arrived. */
    public int inFlight() {
        return tail - head;
    }

    public long bytesDropped() {
        return bytesDropped;
    }

    public long bytesCorrupted() {
        return bytesCorrupted;
    }
}
