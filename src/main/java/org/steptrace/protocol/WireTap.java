package org.steptrace.protocol;

/**
 * A recording tap on a transport: sees every block it sends and every decode event it
 * receives, with the transport's time. Traces hang off this; the default does nothing.
 */
public interface WireTap {
    WireTap NONE = new WireTap() {};

    /** What a sent burst of bytes was. */
    enum SendKind { DATA, ACK, NAK, RETRANSMIT }

    default void sent(double timeS, Bytes bytes, SendKind kind) {}

    default void received(double timeS, DecodeEvent event) {}
}
