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
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.steptrace.firmware.McuTap;
import org.steptrace.link.PtyLink;
import org.steptrace.link.TcpServerLink;
import org.steptrace.protocol.Bytes;
import org.steptrace.protocol.CommandText;
import org.steptrace.protocol.DataDictionary;
import org.steptrace.protocol.HostTransport;
import org.steptrace.protocol.IdentifyAssembler;
import org.steptrace.protocol.Message;
import org.steptrace.protocol.MessageParser;
import org.steptrace.protocol.PayloadWriter;
import org.steptrace.protocol.QueryRetry;

/** A board served in real time: a separate client connects, downloads the dictionary and reads clocks. */
class ServedBoardTest {
    /** A minimal wall-clock host over a byte stream: transport, query retry, identify. */
    private static final class StreamHost {
        private final InputStream in;
        private final HostTransport transport;
        private final long t0 = System.nanoTime();
        private MessageParser parser = new MessageParser(DataDictionary.builder().build());
        private final List<QueryRetry> queries = new ArrayList<>();
        private final HostTransport.Listener listener = new HostTransport.Listener() {
            @Override
            public void onResponse(Bytes payload, double sentTimeS, double receiveTimeS) {
                for (Message m : parser.parse(payload)) queries.forEach(q -> q.offer(m));
            }

            @Override
            public void onAcked(long token) {
                queries.forEach(q -> q.acked(token, now()));
            }
        };

        StreamHost(InputStream in, OutputStream out) {
            this.in = in;
            this.transport = new HostTransport(bytes -> {
                try {
                    out.write(bytes);
                    out.flush();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, 0, 0);
        }

        double now() {
            return (System.nanoTime() - t0) / 1e9;
        }

        Message query(String command, Predicate<Message> matches) throws Exception {
            PayloadWriter w = new PayloadWriter();
            CommandText.parse(parser.dictionary(), command).encode(w);
            QueryRetry q = new QueryRetry(w.toByteArray(), command, matches);
            queries.add(q);
            q.start(transport);
            byte[] buf = new byte[4096];
            double deadline = now() + 5;
            while (!q.isDone() && now() < deadline) {
                q.poll(now(), transport);
                transport.poll(now());
                int n = in.available() > 0 ? in.read(buf) : 0;
                if (n > 0) transport.receive(buf, 0, n, now(), listener);
                else Thread.sleep(1);
            }
            queries.remove(q);
            return q.response();
        }

        DataDictionary identify() throws Exception {
            IdentifyAssembler asm = new IdentifyAssembler();
            while (!asm.isComplete()) {
                int off = asm.nextOffset();
                Message r = query("identify offset=" + off + " count=40",
                        m -> m.name().equals("identify_response") && m.getLong("offset") == off);
                asm.accept(r.getLong("offset"), r.getBytes("data"));
            }
            parser = new MessageParser(asm.dictionary());
            return asm.dictionary();
        }

        long clock() throws Exception {
            return query("get_clock", m -> m.name().equals("clock")).getLong("clock");
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
        double t1 = host.now();
        Thread.sleep(1000); // long against query jitter on a busy machine
        long c2 = host.clock();
        double t2 = host.now();
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
