package org.steptrace.link;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * A host's end of a byte stream to a board (a TCP socket or a serial port): a dedicated reader
 * thread hands received bytes on as they come, writes go straight out, and the end of the
 * stream (the board went away, the cable was pulled) is reported once.
 */
public class StreamLink implements ByteLink {
    private final InputStream in;
    private final OutputStream out;
    private final String address;
    private final Runnable closer;
    private volatile Consumer<byte[]> receiver = b -> {};
    private volatile Consumer<String> closedListener = r -> {};
    private volatile boolean closing;
    private final Thread reader;

    protected StreamLink(InputStream in, OutputStream out, String address, Runnable closer) {
        this.in = in;
        this.out = out;
        this.address = address;
        this.closer = closer;
        this.reader = new Thread(this::readLoop, "link-reader " + address);
        reader.setDaemon(true);
    }

    /** Starts reading; call once the receivers are set. */
    public void start() {
        reader.start();
    }

    private void readLoop() {
        byte[] buf = new byte[4096];
        String why = "end of stream";
        try {
            while (!closing) {
                int n = in.read(buf);
                if (n < 0) break;
                if (n > 0) receiver.accept(Arrays.copyOf(buf, n));
            }
        } catch (IOException e) {
            why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
        if (!closing) closedListener.accept(address + ": " + why);
    }

    @Override
    public void write(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            if (!closing) throw new UncheckedIOException(address + ": write failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void onReceive(Consumer<byte[]> receiver) {
        this.receiver = receiver;
    }

    @Override
    public void onClosed(Consumer<String> listener) {
        this.closedListener = listener;
    }

    @Override
    public String address() {
        return address;
    }

    @Override
    public void close() {
        closing = true;
        closer.run();
        try {
            reader.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
