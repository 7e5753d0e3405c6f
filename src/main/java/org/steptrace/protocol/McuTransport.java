package org.steptrace.protocol;

/**
 * The MCU's side of the link as a pure state machine: fed received bytes, it executes each
 * in-sequence block once and answers with ACKs and NAKs exactly as the firmware does. A block
 * with the wrong seq is dropped with a NAK carrying the seq expected; after a damaged frame one
 * NAK is sent for the whole burst of damage, and none again until a frame checks. Responses
 * carry the next expected seq and go out before the ACK of the block that asked.
 */
public final class McuTransport {
    /** Where the MCU's bytes go. */
    public interface Output {
        void write(byte[] bytes);
    }

    /** Runs the messages of one accepted block. */
    public interface BlockExecutor {
        /**
         * Executes {@code payload}; returns false when execution ended in a shutdown, in which
         * case the firmware skips the block's ACK (its shutdown message carries the seq).
         */
        boolean execute(Bytes payload);
    }

    private final Output output;
    private final BlockDecoder decoder = new BlockDecoder();
    private WireTap tap = WireTap.NONE;
    private int expectedSeq;
    private boolean awaitingValidFrame;
    private double nowS;

    private long blocksExecuted;
    private long naksSent;
    private long wrongSeqBlocks;

    public McuTransport(Output output) {
        this.output = output;
    }

    public void setTap(WireTap tap) {
        this.tap = tap;
    }

    /** Feeds received bytes; {@code nowS} only timestamps what the tap sees. */
    public void receive(byte[] data, int off, int len, double nowS, BlockExecutor executor) {
        this.nowS = nowS;
        decoder.feed(data, off, len);
        DecodeEvent event;
        while ((event = decoder.next()) != null) {
            tap.received(nowS, event);
            if (event instanceof DecodeEvent.Block b) {
                awaitingValidFrame = false;
                if (b.block().seq() != expectedSeq) {
                    wrongSeqBlocks++;
                    sendAck(WireTap.SendKind.NAK);
                    continue;
                }
                expectedSeq = (expectedSeq + 1) & MessageBlock.SEQ_MASK;
                blocksExecuted++;
                if (executor.execute(b.block().payload())) {
                    sendAck(WireTap.SendKind.ACK);
                }
            } else if (((DecodeEvent.Skipped) event).reason().isError() && !awaitingValidFrame) {
                awaitingValidFrame = true;
                sendAck(WireTap.SendKind.NAK);
            }
        }
    }

    /** Sends one response message (already encoded, id first) in its own block. */
    public void send(Bytes message) {
        byte[] bytes = new MessageBlock(expectedSeq, message).encode();
        tap.sent(nowS, Bytes.wrap(bytes), WireTap.SendKind.DATA);
        output.write(bytes);
    }

    private void sendAck(WireTap.SendKind kind) {
        if (kind == WireTap.SendKind.NAK) naksSent++;
        byte[] bytes = MessageBlock.ack(expectedSeq).encode();
        tap.sent(nowS, Bytes.wrap(bytes), kind);
        output.write(bytes);
    }

    /** Back to the state after boot: expects seq 0, nothing buffered. */
    public void reset() {
        decoder.reset();
        expectedSeq = 0;
        awaitingValidFrame = false;
    }

    /** The seq the MCU expects next (0..15). */
    public int expectedSeq() {
        return expectedSeq;
    }

    public long blocksExecuted() {
        return blocksExecuted;
    }

    public long naksSent() {
        return naksSent;
    }

    public long wrongSeqBlocks() {
        return wrongSeqBlocks;
    }

    public long bytesDropped() {
        return decoder.bytesSkipped();
    }
}
