package org.steptrace.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.steptrace.firmware.McuTap;
import org.steptrace.firmware.board.BoardLoader;
import org.steptrace.firmware.board.ServedBoard;
import org.steptrace.host.config.PrinterConfig;
import org.steptrace.host.mcu.McuConnection;
import org.steptrace.host.mcu.WallClockDriver;
import org.steptrace.host.toolhead.LiveHost;
import org.steptrace.trace.TraceReader;
import org.steptrace.trace.TraceRecord;
import org.steptrace.trace.TraceWriter;

/** The serial link's failure paths, on a mocked port: each is named, and nothing is left open. */
class SerialLinkTest {
    private static SerialPortApi.Factory refusing(SerialPortApi port) {
        return path -> port;
    }

    @Test
    void aBusyOrForbiddenPortIsNamedAndLeftAlone(@TempDir Path dir) throws Exception {
        Path dev = Files.createFile(dir.resolve("ttyUSB0"));
        for (int[] c : new int[][] {{16, 0}, {13, 1}, {5, 2}}) {
            SerialPortApi port = mock(SerialPortApi.class);
            when(port.open(anyInt())).thenReturn(false);
            when(port.lastErrorCode()).thenReturn(c[0]);
            IOException e = assertThrows(IOException.class, () -> SerialLink.open(dev.toString(), 250000, refusing(port)));
            String want = List.of("busy (another program has it open)", "permission denied", "cannot open (error 5; not a serial device?)").get(c[1]);
            assertEquals(dev + ": " + want, e.getMessage());
            verify(port, never()).input();
        }
        IOException missing = assertThrows(IOException.class, () -> SerialLink.open(dir.resolve("nope").toString(), 250000, p -> null));
        assertEquals(dir.resolve("nope") + ": no such device", missing.getMessage());
    }

    /** A byte pipe: what is written comes out of the input; {@link #unplug} makes reads fail as a pulled cable does. */
    private static final class Pipe {
        final BlockingQueue<Integer> bytes = new ArrayBlockingQueue<>(1 << 20);
        volatile boolean unplugged;

        final InputStream in = new InputStream() {
            @Override
            public int read() throws IOException {
                try {
                    int b = bytes.take();
                    if (b < 0) throw new IOException("Device not configured");
                    return b;
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
            }

            @Override
            public int read(byte[] buf, int off, int len) throws IOException {
                buf[off] = (byte) read();
                int n = 1;
                while (n < len && !bytes.isEmpty() && bytes.peek() >= 0) buf[off + n++] = (byte) (int) bytes.poll();
                return n;
            }
        };

        void write(byte[] b) {
            if (unplugged) return;
            for (byte x : b) bytes.add(x & 0xFF);
        }

        void unplug() {
            unplugged = true;
            bytes.add(-1);
        }
    }

    @Test
    void aPortThatVanishesMidRunEndsTheSessionAndKeepsTheTrace(@TempDir Path dir) throws Exception {
        Path dev = Files.createFile(dir.resolve("ttyACM0"));
        Pipe toHost = new Pipe();
        BoardSide board = new BoardSide();
        SerialPortApi port = mock(SerialPortApi.class);
        when(port.open(anyInt())).thenReturn(true);
        when(port.input()).thenReturn(toHost.in);
        when(port.output()).thenReturn(new OutputStream() {
            @Override
            public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                if (!toHost.unplugged) board.receiver.accept(java.util.Arrays.copyOfRange(b, off, off + len));
            }
        });
        board.sender = toHost::write;
        try (ServedBoard served = new ServedBoard(BoardLoader.builtIn("avr-cartesian"), 3, board, false, McuTap.NONE, (f, t) -> {})) {
            served.start();
            SerialLink link = SerialLink.open(dev.toString(), 250000, refusing(port));
            Path trace = dir.resolve("run.jsonl");
            McuConnection conn = WallClockDriver.connect(link, 250000);
            try (TraceWriter w = TraceWriter.create(trace, new TraceRecord.Header("steptrace", "test", TraceRecord.SCHEMA_VERSION, dev.toString(),
                    null, null, 16e6, false, "realtime", "now", "heat.gcode"))) {
                LiveHost host = LiveHost.start(conn, PrinterConfig.load(Path.of("boards", "avr-cartesian.cfg")), w);
                new Thread(() -> {
                    try {
                        Thread.sleep(500);
                    } catch (InterruptedException ignored) {
                        // Unplug now then.
                    }
                    toHost.unplug();
                }).start();
                var e = assertThrows(McuConnection.McuSessionException.class, () -> host.run(List.of("M104 S50", "G4 P5000", "M400"), "heat.gcode"));
                assertTrue(e.getMessage().startsWith("Lost communication with MCU: " + dev + ": Device not configured"), e.getMessage());
            } finally {
                link.close();
            }
            verify(port).close();
            try (TraceReader in = TraceReader.open(trace)) {
                long[] messages = {0};
                in.forEach(r -> {
                    if (r instanceof TraceRecord.WireMessage) messages[0]++;
                });
                assertTrue(messages[0] > 50, "the trace up to the unplug is there: " + messages[0]);
                assertTrue(in.warnings().isEmpty(), in.warnings().toString());
            }
        }
    }

    /** The board's end of the mocked cable. */
    private static final class BoardSide implements ByteLink {
        volatile Consumer<byte[]> receiver = b -> {};
        volatile Consumer<byte[]> sender = b -> {};

        @Override
        public void write(byte[] bytes) {
            sender.accept(bytes);
        }

        @Override
        public void onReceive(Consumer<byte[]> receiver) {
            this.receiver = receiver;
        }

        @Override
        public String address() {
            return "mock cable";
        }

        @Override
        public void close() {}
    }
}
