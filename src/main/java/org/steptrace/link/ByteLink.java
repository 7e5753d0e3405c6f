package org.steptrace.link;

import java.io.Closeable;
import java.util.function.Consumer;

/** A byte pipe to the other end of a link (a host program, or a board). */
public interface ByteLink extends Closeable {
    /** Sends bytes; never blocks the caller for long. Dropped when nobody is connected. */
    void write(byte[] bytes);

    /** Where received bytes go; called from the link's own I/O thread. */
    void onReceive(Consumer<byte[]> receiver);

    /** Called once, from the I/O thread, if the other end goes away (the reason says how). */
    default void onClosed(Consumer<String> listener) {}

    /** A human-readable address, e.g. {@code tcp://127.0.0.1:5555} or a pty path. */
    String address();

    @Override
    void close();
}
