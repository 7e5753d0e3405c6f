package org.steptrace.firmware.board;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fazecast.jSerialComm.SerialPort;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.steptrace.firmware.McuTap;
import org.steptrace.host.mcu.McuConnection;
import org.steptrace.link.PtyLink;
import org.steptrace.link.TcpServerLink;
import org.steptrace.protocol.DataDictionary;
import org.steptrace.protocol.HostTransport;

/** A board served in real time: a separate client connects, downloads the dictionary and reads clocks. */
class ServedBoardTest {
    /** The host's MCU session over a byte stream, on the wall clock. */
    private static final class StreamHost implements McuConnection.Driver {
        private final InputStream in;
        private final long t0 = System.nanoTime();
        private final McuConnection conn;
        private final byte[] buf = new byte[4096];

        StreamHost(InputStream in, OutputStream out) {
            this.in = in;
            this.conn = new McuConnection(new HostTransport(bytes -> {
                try {
                    out.write(bytes);
                    out.flush();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, 0, 0), this);
        }

        @Override
        public double nowS() {
            return (System.nanoTime() - t0) / 1e9;
        }

        @Override
        public void runUntil(java.util.function.BooleanSupplier done, double limitS) {
            try {
                while (!done.getAsBoolean() && nowS() < limitS) {
                    conn.service(nowS());
                    int n = in.available() > 0 ? in.read(buf) : 0;
                    if (n > 0) conn.receive(java.util.Arrays.copyOf(buf, n), nowS());
                    else Thread.sleep(1);
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        DataDictionary identify() {
            return conn.identify();
        }

        long clock() {
            return conn.query("get_clock", m -> m.name().equals("clock")).getLong("clock");
        }
    }

    private static boolean hasSocat() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, "socat"))) return true;
        }
        return false;
    }

    private static void checkConversation(StreamHost host, BoardDefinition def) throws Exception {
        DataDictionary d = host.identify();
        assertEquals(def.mcu().clockFrequencyHz(), d.clockFrequencyHz());
        assertEquals(def.mcu().chip(), d.config().get("MCU"));
        long c1 = host.clock();
        double t1 = host.nowS();
        Thread.sleep(1000); // long against query jitter on a busy machine
        long c2 = host.clock();
        double t2 = host.nowS();
        double measuredHz = (c2 - c1) / (t2 - t1);
        assertEquals(def.mcu().clockFrequencyHz(), measuredHz, def.mcu().clockFrequencyHz() * 0.05,
                "the clock runs at CLOCK_FREQ of wall time");
    }

    @Test
    void aSeparateClientUsesTheBoardThroughARealPty(@TempDir Path dir) throws Exception {
        assumeTrue(hasSocat(), "socat is needed to make a pty; .ci/run installs it");
        BoardDefinition def = BoardLoader.builtIn("avr-cartesian");
        Path pty = dir.resolve("board");
        try (ServedBoard served = new ServedBoard(def, 7, new PtyLink(pty), false, McuTap.NONE, (f, t) -> {})) {
            served.start();
            assertTrue(Files.exists(pty));
            SerialPort port = SerialPort.getCommPort(pty.toString());
            port.setBaudRate(250_000);
            assertTrue(port.openPort(), "the pty opens like a serial device");
            try {
                port.setComPortTimeouts(SerialPort.TIMEOUT_NONBLOCKING, 0, 0);
                checkConversation(new StreamHost(port.getInputStream(), port.getOutputStream()), def);
            } finally {
                port.closePort();
            }
        }
        assertFalse(Files.exists(pty, java.nio.file.LinkOption.NOFOLLOW_LINKS), "closing removes the pty");
    }

    @Test
    void aClientUsesTheBoardOverTcp() throws Exception {
        BoardDefinition def = BoardLoader.builtIn("arm-corexy");
        TcpServerLink link = new TcpServerLink("127.0.0.1", 0);
        try (ServedBoard served = new ServedBoard(def, 7, link, false, McuTap.NONE, (f, t) -> {});
             Socket s = new Socket("127.0.0.1", link.port())) {
            served.start();
            s.setTcpNoDelay(true);
            checkConversation(new StreamHost(s.getInputStream(), s.getOutputStream()), def);
        }
    }
}
