package org.steptrace.protocol;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The host's side of the link as a pure state machine, driven by bytes and an injected clock
 * (seconds). It packs queued messages into blocks numbered from 1, keeps at most 12 blocks (and,
 * when the MCU states one, its receive window) unacknowledged, adopts the MCU's seq from its
 * first answer, and retransmits every unacknowledged block, led by 0x7E, on a timeout (with
 * doubling) or on a NAK. Responses are not retransmitted by the protocol; the query layer
 * ({@link QueryRetry}) asks again.
 */
public final class HostTransport {
    public static final int MAX_PENDING_BLOCKS = 12;

    /** Where the host's bytes go. */
    public interface Output {
        void write(byte[] bytes);

        /** Drops bytes written but not yet on the wire (a serial port's output flush). */
        default void discardPending() {}
    }

    /** What the transport reports upward. */
    public interface Listener {
        /**
         * A response block's payload. {@code sentTimeS} is when the newest acknowledged host
         * block finished transmitting (0 when that block may have been retransmitted);
         * {@code receiveTimeS} is when this block started arriving.
         */
        void onResponse(Bytes payload, double sentTimeS, double receiveTimeS);

        /** The message queued under {@code token} is acknowledged (its query may be answered). */
        default void onAcked(long token) {}
    }

    private record Queued(byte[] message, long token) {}

    private record Sent(long seq, byte[] bytes, double sentTimeS, long[] tokens) {}

    private final Output output;
    private final double secondsPerByte;
    private int receiveWindow;
    private final BlockDecoder decoder = new BlockDecoder();
    private final RetransmitTimer rto = new RetransmitTimer();
    private final Deque<Queued> ready = new ArrayDeque<>();
    private final Deque<Sent> sent = new ArrayDeque<>();
    /** Acknowledgement waits of sent messages: block seq and token, oldest first. */
    private final Deque<long[]> awaitingAck = new ArrayDeque<>();
    private WireTap tap = WireTap.NONE;

    private long sendSeq = 1;
    private long receiveSeq = 1;
    private long lastAckSeq;
    private long ignoreNakSeq;
    private long retransmitSeq;
    private long rttSampleSeq;
    private double lastAckedSentTimeS;
    private int lastRetiredLength;
    private int needAckBytes;
    private int readyBytes;
    private double idleTimeS;
    private double retransmitAtS = Double.POSITIVE_INFINITY;
    private long nextToken = 1;

    private long bytesWrite;
    private long bytesRead;
    private long bytesRetransmit;
    private long bytesInvalid;

    /**
     * @param baud the UART's baud for wire-time estimates (10 bits a byte), 0 for USB or a pty
     * @param receiveWindow the MCU's RECEIVE_WINDOW in bytes, 0 if it states none
     */
    public HostTransport(Output output, long baud, int receiveWindow) {
        this.output = output;
        this.secondsPerByte = baud > 0 ? 10.0 / baud : 0;
        this.receiveWindow = receiveWindow;
    }

    /** Adopts the MCU's RECEIVE_WINDOW once its dictionary is known (0: it states none). */
    public void setReceiveWindow(int bytes) {
        this.receiveWindow = bytes;
    }

    public void setTap(WireTap tap) {
        this.tap = tap;
    }

    /** Queues one encoded message (id first); returns the token its acknowledgement reports. */
    public long queue(byte[] message) {
        if (message.length == 0 || message.length > MessageBlock.MAX_PAYLOAD) {
            throw new EncodingException("message of " + message.length + " bytes does not fit a block");
        }
        long token = nextToken++;
        ready.add(new Queued(message.clone(), token));
        readyBytes += message.length;
        return token;
    }

    /** Sends what the window allows and retransmits if the timer expired. */
    public void poll(double nowS) {
        if (nowS >= retransmitAtS && !sent.isEmpty()) {
            retransmit(nowS, false);
        }
        while (!ready.isEmpty() && windowOpen()) {
            sendBlock(nowS);
        }
    }

    /** When {@link #poll} next has timed work to do (the retransmit deadline), or +infinity. */
    public double nextDeadlineS() {
        return sent.isEmpty() ? Double.POSITIVE_INFINITY : retransmitAtS;
    }

    private boolean windowOpen() {
        if (sent.size() >= MAX_PENDING_BLOCKS) return false;
        if (receiveWindow <= 0 || sent.isEmpty()) return true;
        // The MCU may still hold the last retired block if only a response, not an ACK, retired it.
        int held = lastAckSeq < receiveSeq ? lastRetiredLength : 0;
        return needAckBytes + MessageBlock.MAX_LENGTH + held <= receiveWindow;
    }

    private void sendBlock(double nowS) {
        byte[] block = new byte[MessageBlock.MAX_LENGTH];
        int payload = 0;
        int count = 0;
        long[] tokens = new long[MessageBlock.MAX_PAYLOAD];
        while (!ready.isEmpty() && payload + ready.peek().message().length <= MessageBlock.MAX_PAYLOAD) {
            Queued q = ready.poll();
            System.arraycopy(q.message(), 0, block, MessageBlock.HEADER_LENGTH + payload, q.message().length);
            payload += q.message().length;
            readyBytes -= q.message().length;
            tokens[count++] = q.token();
        }
        long seq = sendSeq++;
        int len = MessageBlock.frame(block, 0, (int) (seq & MessageBlock.SEQ_MASK), payload);
        byte[] bytes = java.util.Arrays.copyOf(block, len);
        double start = Math.max(nowS, idleTimeS);
        idleTimeS = start + len * secondsPerByte;
        Sent s = new Sent(seq, bytes, idleTimeS, java.util.Arrays.copyOf(tokens, count));
        sent.add(s);
        for (long t : s.tokens()) awaitingAck.add(new long[] {seq, t});
        needAckBytes += len;
        if (rttSampleSeq == 0) rttSampleSeq = seq;
        if (sent.size() == 1) {
            retransmitAtS = idleTimeS + rto.rtoS(); // from when the block is fully on the wire
        }
        bytesWrite += len;
        tap.sent(nowS, Bytes.wrap(bytes.clone()), WireTap.SendKind.DATA);
        output.write(bytes);
    }

    private void retransmit(double nowS, boolean nak) {
        output.discardPending();
        int total = 1;
        for (Sent s : sent) total += s.bytes().length;
        byte[] burst = new byte[total];
        burst[0] = (byte) MessageBlock.SYNC;
        int at = 1;
        for (Sent s : sent) {
            System.arraycopy(s.bytes(), 0, burst, at, s.bytes().length);
            at += s.bytes().length;
        }
        if (nak) {
            ignoreNakSeq = receiveSeq < retransmitSeq ? retransmitSeq : receiveSeq;
        } else {
            rto.backOff();
            ignoreNakSeq = sendSeq;
        }
        retransmitSeq = sendSeq;
        rttSampleSeq = 0;
        idleTimeS = nowS + total * secondsPerByte;
        retransmitAtS = nowS + rto.rtoS() + (sent.peek().bytes().length + 1) * secondsPerByte;
        bytesRetransmit += total;
        bytesWrite += total;
        tap.sent(nowS, Bytes.wrap(burst.clone()), WireTap.SendKind.RETRANSMIT);
        output.write(burst);
    }

    /** Feeds bytes from the MCU. */
    public void receive(byte[] data, int off, int len, double nowS, Listener listener) {
        bytesRead += len;
        decoder.feed(data, off, len);
        DecodeEvent event;
        while ((event = decoder.next()) != null) {
            tap.received(nowS, event);
            if (event instanceof DecodeEvent.Block b) {
                handleBlock(b.block(), nowS, listener);
            } else {
                bytesInvalid += ((DecodeEvent.Skipped) event).length();
            }
        }
    }

    private void handleBlock(MessageBlock block, double nowS, Listener listener) {
        long rseq = receiveSeq + ((block.seq() - receiveSeq) & MessageBlock.SEQ_MASK);
        if (rseq != receiveSeq) {
            if (rseq > sendSeq) {
                if (receiveSeq != 1) {
                    bytesInvalid += block.length();
                    return;
                }
                adoptMcuSeq(rseq, listener);
            }
            retire(rseq, nowS);
        }
        if (block.isAck()) {
            if (rseq > lastAckSeq) {
                lastAckSeq = rseq;
                notifyAcked(rseq - 1, listener);
            } else if (rseq > ignoreNakSeq && !sent.isEmpty()) {
                retransmit(nowS, true);
            }
            return;
        }
        // A response carrying S+1 may be the answer to block S itself: its ACK completes it.
        notifyAcked(rseq - 2, listener);
        double sentTimeS = rseq <= retransmitSeq ? 0 : lastAckedSentTimeS;
        listener.onResponse(block.payload(), sentTimeS, nowS - block.length() * secondsPerByte);
    }

    /** A freshly started host takes whatever seq the MCU expects; what it sent is void. */
    private void adoptMcuSeq(long rseq, Listener listener) {
        sent.clear();
        needAckBytes = 0;
        rttSampleSeq = 0;
        sendSeq = rseq;
        notifyAcked(Long.MAX_VALUE, listener);
    }

    private void retire(long rseq, double nowS) {
        while (!sent.isEmpty() && sent.peek().seq() < rseq) {
            Sent s = sent.poll();
            needAckBytes -= s.bytes().length;
            lastAckedSentTimeS = s.sentTimeS();
            lastRetiredLength = s.bytes().length;
        }
        if (rttSampleSeq != 0 && rseq > rttSampleSeq) {
            // Timed from the newest block this acknowledges, as the reference host does.
            rto.sample(Math.max(0, nowS - lastAckedSentTimeS));
            rttSampleSeq = 0;
        }
        receiveSeq = rseq;
        retransmitAtS = sent.isEmpty() ? Double.POSITIVE_INFINITY
                : nowS + rto.rtoS() + sent.peek().bytes().length * secondsPerByte;
    }

    private void notifyAcked(long upToSeq, Listener listener) {
        while (!awaitingAck.isEmpty() && awaitingAck.peek()[0] <= upToSeq) {
            listener.onAcked(awaitingAck.poll()[1]);
        }
    }

    /** True when nothing is queued or unacknowledged. */
    public boolean isIdle() {
        return ready.isEmpty() && sent.isEmpty();
    }

    public TransportStats stats() {
        return new TransportStats(bytesWrite, bytesRead, bytesRetransmit, bytesInvalid, sendSeq, receiveSeq,
                retransmitSeq, rto.srttS(), rto.rttvarS(), rto.rtoS(), readyBytes, sent.size());
    }
}
