package org.steptrace.link;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A pseudo-terminal that any host program opens like a serial device. The JDK cannot make a
 * pty, so socat makes one (raw, no echo, linked at the path asked for) and bridges it to a
 * loopback {@link TcpServerLink}. socat ends when the host closes the pty; it is started again
 * so the host can reopen it, until this link is closed, which removes the path.
 */
public final class PtyLink implements ByteLink {
    private final Path path;
    private final TcpServerLink tcp;
    private final Thread supervisor;
    private volatile Process socat;
    private volatile boolean closed;

    public PtyLink(Path path) throws IOException, InterruptedException {
        this.path = path.toAbsolutePath();
        if (Files.exists(this.path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(this.path + " already exists; remove it or choose another path");
        }
        this.tcp = new TcpServerLink("127.0.0.1", 0);
        try {
            startSocat();
            waitForPty();
        } catch (IOException | InterruptedException e) {
            close();
            throw e;
        }
        this.supervisor = new Thread(this::supervise, "pty-supervisor");
        supervisor.setDaemon(true);
        supervisor.start();
    }

    private synchronized void startSocat() throws IOException {
        if (closed) return;
        // wait-slave: socat connects to us only once a host opens the pty, so bytes sent while
        // nobody listens are dropped, as on an unplugged cable.
        List<String> cmd = List.of("socat",
                "pty,raw,echo=0,wait-slave,link=" + path,
                "tcp:127.0.0.1:" + tcp.port() + ",nodelay");
        try {
            socat = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new IOException("cannot start socat to make a pty (apt-get install socat): " + e.getMessage(), e);
        }
    }

    private void waitForPty() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!Files.exists(path)) {
            if (!socat.isAlive()) throw new IOException("socat exited (code " + socat.exitValue() + ") before making " + path);
            if (System.nanoTime() > deadline) throw new IOException("socat did not make " + path + " within 5 s");
            Thread.sleep(5);
        }
    }

    private void supervise() {
        while (!closed) {
            try {
                socat.waitFor();
                if (closed) return;
                // close() may run between here and the restart; startSocat checks under the same lock.
                Files.deleteIfExists(path);
                startSocat();
                waitForPty();
            } catch (InterruptedException e) {
                return;
            } catch (IOException e) {
                if (!closed) System.err.println("pty " + path + ": " + e.getMessage());
                return;
            }
        }
    }

    public Path path() {
        return path;
    }

    @Override
    public void write(byte[] bytes) {
        tcp.write(bytes);
    }

    @Override
    public void onReceive(Consumer<byte[]> receiver) {
        tcp.onReceive(receiver);
    }

    @Override
    public String address() {
        return path.toString();
    }

    @Override
    public void close() {
        Process p;
        synchronized (this) {
            closed = true; // no socat starts after this
            p = socat;
        }
        if (p != null) {
            p.destroy();
            try {
                if (!p.waitFor(2, TimeUnit.SECONDS)) p.destroyForcibly();
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        if (supervisor != null) supervisor.interrupt();
        tcp.close();
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // The link is socat's; if it is already gone there is nothing to clean.
        }
    }
}
