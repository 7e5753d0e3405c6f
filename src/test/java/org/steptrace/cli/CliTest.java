package org.steptrace.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.steptrace.testing.Fixtures;

class CliTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    private static String dict() {
        return Fixtures.path("dictionaries/linuxprocess.dict").toString();
    }

    @Test
    void decodePrintsTheReferenceDump() {
        int code = run("decode", "--dictionary", dict(), Fixtures.path("streams/small-print.linuxprocess.bin").toString());
        assertEquals(0, code, err.toString());
        assertEquals(Fixtures.text("streams/small-print.linuxprocess.dump.txt"), out.toString().replace(System.lineSeparator(), "\n"));
        assertEquals("", err.toString());
    }

    @Test
    void decodeAcceptsTheZlibDictionaryBlob(@TempDir Path dir) throws IOException {
        Path blob = dir.resolve("dict.zlib");
        Files.write(blob, Fixtures.linuxDictionary().identifyBlob().toByteArray());
        int code = run("decode", "-d", blob.toString(), Fixtures.path("streams/small-print.linuxprocess.bin").toString());
        assertEquals(0, code, err.toString());
        assertEquals(1781, out.toString().lines().count());
    }

    @Test
    void aCorruptStreamFailsWithItsOffset(@TempDir Path dir) throws IOException {
        byte[] stream = Fixtures.bytes("streams/small-print.linuxprocess.bin");
        stream[100] ^= 0x40;
        Path bad = dir.resolve("bad.bin");
        Files.write(bad, stream);
        int code = run("decode", "--dictionary", dict(), bad.toString());
        assertEquals(2, code);
        assertTrue(err.toString().matches("(?s)steptrace decode: .*bad\\.bin: corrupt stream at byte offset \\d+: .*"), err.toString());
        assertEquals(1, err.toString().lines().count(), "one clear line");
    }

    @Test
    void lenientDecodingSkipsAndReports(@TempDir Path dir) throws IOException {
        byte[] stream = Fixtures.bytes("streams/small-print.linuxprocess.bin");
        stream[100] ^= 0x40;
        Path bad = dir.resolve("bad.bin");
        Files.write(bad, stream);
        int code = run("decode", "--lenient", "--dictionary", dict(), bad.toString());
        assertEquals(0, code);
        assertTrue(out.toString().lines().count() > 1700);
        assertTrue(err.toString().contains("skipped at byte offset"), err.toString());
        assertTrue(err.toString().contains("1 damaged region(s) skipped"), err.toString());
    }

    @Test
    void missingFilesAndBadDictionariesAreNamed(@TempDir Path dir) throws IOException {
        assertEquals(2, run("decode", "--dictionary", dict(), dir.resolve("nope.bin").toString()));
        assertTrue(err.toString().contains("nope.bin: no such file"), err.toString());
        Path badDict = dir.resolve("bad.dict");
        Files.writeString(badDict, "{\"commands\": [1, 2");
        assertEquals(2, run("decode", "--dictionary", badDict.toString(), dict()));
        assertTrue(err.toString().contains("bad.dict: dictionary is not valid JSON at line 1"), err.toString());
    }

    @Test
    void planWritesAStreamThatDecodeReadsBack(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("print.bin");
        int code = run("plan", "--printer", Fixtures.path("streams/linux-cartesian.cfg").toString(), "--dictionary", dict(),
                Fixtures.path("streams/small-print.gcode").toString(), "-o", out.toString());
        assertEquals(0, code, err.toString());
        assertTrue(err.toString().contains("print time 80.378 s"), err.toString());
        StringWriter decoded = new StringWriter();
        assertEquals(0, Main.run(new String[] {"decode", "--dictionary", dict(), out.toString()}, new PrintWriter(decoded, true), new PrintWriter(err, true)));
        assertTrue(decoded.toString().startsWith("allocate_oids count=18\nconfig_analog_in oid=10 pin=analog1\n"), decoded.toString());
        assertTrue(decoded.toString().contains("finalize_config crc=171970567"));
    }

    @Test
    void planWithTheAvrDictionaryPrintsItsPinNames(@TempDir Path dir) throws IOException {
        Path gcode = dir.resolve("moves.gcode");
        Files.writeString(gcode, "G28\nG1 X20 Y20 Z2 F3000\nG1 X40 E2 F1200\n");
        Path out = dir.resolve("avr.bin");
        assertEquals(0, run("plan", "--printer", "boards/avr-cartesian.cfg", "--dictionary",
                Fixtures.path("dictionaries/atmega2560.dict").toString(), gcode.toString(), "-o", out.toString()), err.toString());
        StringWriter decoded = new StringWriter();
        Main.run(new String[] {"decode", "--dictionary", Fixtures.path("dictionaries/atmega2560.dict").toString(), out.toString()},
                new PrintWriter(decoded, true), new PrintWriter(err, true));
        assertTrue(decoded.toString().contains("config_stepper oid=2 step_pin=PF0 dir_pin=PF1 invert_step=0 step_pulse_ticks=32"), decoded.toString());
        assertTrue(decoded.toString().contains("config_endstop oid=0 pin=PE5 pull_up=1"));
        assertTrue(decoded.toString().contains("queue_step oid=2"));
    }

    @Test
    void planNamesTheBadGcodeLineAndWritesNothing(@TempDir Path dir) throws IOException {
        Path gcode = dir.resolve("bad.gcode");
        Files.writeString(gcode, "G28\nG1 X10\nG1 X1O\n");
        Path out = dir.resolve("never.bin");
        assertEquals(2, run("plan", "--printer", "boards/avr-cartesian.cfg", "--dictionary",
                Fixtures.path("dictionaries/atmega2560.dict").toString(), gcode.toString(), "-o", out.toString()));
        assertTrue(err.toString().contains("bad.gcode:3: G1: X must be a number, got '1O'"), err.toString());
        assertFalse(Files.exists(out));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left");
        }
        assertEquals(2, run("plan", "--printer", "boards/avr-cartesian.cfg", "--dictionary",
                Fixtures.path("dictionaries/atmega2560.dict").toString(), writeGcode(dir, "G1 X10\n"), "-o", out.toString()));
        assertTrue(err.toString().contains("Must home axis first"), err.toString());
    }

    @Test
    void runPrintsOnTheEmulatedBoardAndReportsWhereEverythingEnded(@TempDir Path dir) throws IOException {
        String gcode = writeGcode(dir, "G28\nM83\nG1 X50 Y50 Z5 F6000\nG1 X80 E2 F1800\nG1 Y80 E2\nM400\n");
        assertEquals(0, run("run", "--board", "avr-cartesian", gcode), err.toString());
        String text = out.toString();
        assertTrue(text.contains("stepper_x             -1600          -1600"), text);
        assertTrue(text.contains("toolhead (host):     X 80.0000 Y 80.0000 Z 5.0000 E 4.0000"), text);
        assertTrue(text.contains("toolhead (emulator): X 80.0000 Y 80.0000 Z 5.0000 E 4.0000"), text);
        assertTrue(text.contains("shutdowns: none"), text);
        String first = text;
        out.getBuffer().setLength(0);
        assertEquals(0, run("run", "--board", "avr-cartesian", gcode));
        assertEquals(first, out.toString(), "the same run for the same seed");
    }

    @Test
    void runRecordsATraceThatSummarizeReads(@TempDir Path dir) throws IOException {
        String gcode = writeGcode(dir, "G28\nG1 X50 Y50 Z5 F6000\nG1 X80\n");
        Path trace = dir.resolve("run.jsonl.gz");
        assertEquals(0, run("run", "--board", "avr-cartesian", "--trace", trace.toString(), gcode), err.toString());
        out.getBuffer().setLength(0);
        assertEquals(0, run("trace", "summarize", trace.toString()), err.toString());
        String text = out.toString();
        assertTrue(text.startsWith("board avr-cartesian, seed 1, virtual pacing, 16000000 Hz, schema 2"), text);
        assertTrue(text.contains("step_batch"), text);
        assertTrue(text.contains("shutdowns: none"), text);
        Path plots = dir.resolve("plots");
        assertEquals(0, run("trace", "plot", trace.toString(), "--out", plots.toString()), err.toString());
        for (String png : new String[] {"toolhead-speed.png", "stepper-speed.png", "thermal-extruder.png", "wire-bytes.png"}) {
            byte[] head = java.util.Arrays.copyOf(Files.readAllBytes(plots.resolve(png)), 4);
            assertEquals("\u0089PNG", new String(head, java.nio.charset.StandardCharsets.ISO_8859_1), png);
        }
        assertEquals(2, run("trace", "summarize", dir.resolve("missing.jsonl").toString()));
        assertTrue(err.toString().contains("missing.jsonl: no such file"), err.toString());
    }

    @Test
    void theLiveTraceStreamCarriesTheFilesRecordsInOrder(@TempDir Path dir) throws Exception {
        String gcode = writeGcode(dir, "G28\nG1 X20 Y20 F6000\nM104 S60\nG4 P2000\n");
        Path trace = dir.resolve("run.jsonl");
        java.util.concurrent.CompletableFuture<Integer> code = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> run("run", "--board", "arm-corexy", "--trace", trace.toString(), "--serve-traces", "0", gcode));
        String address = null;
        for (int i = 0; i < 500 && address == null; i++) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("streaming trace records on (ws://\\S+)").matcher(out.toString());
            if (m.find()) address = m.group(1);
            else Thread.sleep(20);
        }
        assertTrue(address != null, out.toString() + err);
        List<String> frames = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        java.util.concurrent.CompletableFuture<Void> closed = new java.util.concurrent.CompletableFuture<>();
        java.net.http.HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(java.net.URI.create(address),
                new java.net.http.WebSocket.Listener() {
                    private final StringBuilder part = new StringBuilder();

                    @Override
                    public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket ws, CharSequence data, boolean last) {
                        part.append(data);
                        if (last) {
                            frames.add(part.toString());
                            part.setLength(0);
                        }
                        ws.request(1);
                        return null;
                    }

                    @Override
                    public java.util.concurrent.CompletionStage<?> onClose(java.net.http.WebSocket ws, int status, String reason) {
                        closed.complete(null);
                        return null;
                    }
                }).get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(0, code.get(60, java.util.concurrent.TimeUnit.SECONDS), err.toString());
        closed.get(10, java.util.concurrent.TimeUnit.SECONDS);
        List<String> lines = Files.readAllLines(trace);
        assertTrue(lines.size() > 100, lines.size() + " records");
        assertEquals(lines, frames);
    }

    @Test
    void runFailsClearlyOnABadLineAndOnALostLink(@TempDir Path dir) throws IOException {
        assertEquals(2, run("run", "--board", "arm-corexy", writeGcode(dir, "G28\nG1 X500\n")));
        assertTrue(err.toString().matches("(?s)steptrace run: .*\\.gcode:2: G1: Move out of range: .*"), err.toString());
        err.getBuffer().setLength(0);
        String print = writeGcode(dir, "G28\nG1 X50 Y50 F600\nG1 X100 Y100\n");
        assertEquals(1, run("run", "--board", "avr-cartesian", "--fault", "link-drop@3", print));
        assertTrue(err.toString().contains("error: Lost communication with MCU"), err.toString());
        assertEquals(2, run("run", "--board", "no-such-board", print));
    }

    @Test
    void connectDrivesAServedBoardInRealTime(@TempDir Path dir) throws Exception {
        var def = org.steptrace.firmware.board.BoardLoader.builtIn("arm-corexy");
        var link = new org.steptrace.link.TcpServerLink("127.0.0.1", 0);
        try (var served = new org.steptrace.firmware.board.ServedBoard(def, 5, link, false, org.steptrace.firmware.McuTap.NONE, (f, t) -> {})) {
            served.start();
            String gcode = writeGcode(dir, "G28 X Y\nG1 X20 Y30 F6000\nG1 X25 Y25\n");
            int code = run("connect", "--printer", "boards/arm-corexy.cfg", "--tcp", "127.0.0.1:" + link.port(), gcode);
            assertEquals(0, code, err.toString());
            String text = out.toString();
            assertTrue(text.contains("stm32f446xx, CLOCK_FREQ 180000000 Hz"), text);
            assertTrue(text.contains("toolhead (host):     X 25.0000 Y 25.0000"), text);
            for (String line : text.lines().filter(l -> l.startsWith("stepper_") || l.startsWith("extruder")).toList()) {
                String[] f = line.trim().split("\\s+");
                assertEquals(f[1], f[2], "the MCU's counter is where the host commanded: " + line);
            }
        }
        assertEquals(2, run("connect", "--printer", "boards/arm-corexy.cfg", "--serial", dir.resolve("no-such-tty").toString(), gcode(dir)));
        assertTrue(err.toString().contains("no-such-tty: no such device"), err.toString());
    }

    @Test
    void aHeaterFaultEndsRunWithOneLineNamingTheReason(@TempDir Path dir) throws IOException {
        String heat = writeGcode(dir, "M109 S200\n");
        assertEquals(1, run("run", "--board", "avr-cartesian", heat, "--fault", "thermistor-open@30"));
        assertEquals(1, err.toString().lines().count(), err.toString());
        assertTrue(err.toString().startsWith("error: MCU shutdown: ADC out of range (at 31."), err.toString());
        assertTrue(out.toString().contains("fault thermistor-open took effect at 30.000 s"), out.toString());
        assertEquals(2, run("emulate", "--board", "avr-cartesian", "--tcp", "127.0.0.1:0", "--fault", "host-stall@5"));
        assertTrue(err.toString().contains("--fault host-stall needs the host in this process"), err.toString());
    }

    @Test
    void connectDrivesABoardServedOnARealPty(@TempDir Path dir) throws Exception {
        boolean socat = java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":"))
                .anyMatch(d -> Files.isExecutable(Path.of(d, "socat")));
        org.junit.jupiter.api.Assumptions.assumeTrue(socat, "socat is needed to make a pty; .ci/run installs it");
        var def = org.steptrace.firmware.board.BoardLoader.builtIn("avr-cartesian");
        Path pty = dir.resolve("printer");
        try (var served = new org.steptrace.firmware.board.ServedBoard(def, 5, new org.steptrace.link.PtyLink(pty), false,
                org.steptrace.firmware.McuTap.NONE, (f, t) -> {})) {
            served.start();
            String gcode = writeGcode(dir, "G28 X\nG1 X20 F6000\n");
            Path trace = dir.resolve("connect.jsonl");
            int code = run("connect", "--printer", "boards/avr-cartesian.cfg", "--serial", pty.toString(), "--trace", trace.toString(), gcode);
            assertEquals(0, code, err.toString());
            assertTrue(out.toString().contains("toolhead (host):     X 20.0000"), out.toString());
            assertTrue(org.steptrace.trace.TraceSummary.of(trace).countsByType().getOrDefault("message", 0L) > 50);
        }
    }

    @Test
    void theConsoleSendsTypedCommandsAndShowsDecodedAnswers() throws Exception {
        var def = org.steptrace.firmware.board.BoardLoader.builtIn("arm-delta");
        var link = new org.steptrace.link.TcpServerLink("127.0.0.1", 0);
        java.io.InputStream stdin = System.in;
        try (var served = new org.steptrace.firmware.board.ServedBoard(def, 5, link, false, org.steptrace.firmware.McuTap.NONE, (f, t) -> {})) {
            served.start();
            System.setIn(new java.io.ByteArrayInputStream("help get_config\nget_config\nget_clock oid=3\nemergency_stop\nget_config\n"
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            assertEquals(0, run("console", "--tcp", "127.0.0.1:" + link.port()), err.toString());
        } finally {
            System.setIn(stdin);
        }
        String text = out.toString();
        assertTrue(text.contains("type 'help'"), text);
        assertTrue(text.contains("\nget_config\n"), "help prints the format: " + text);
        assertTrue(text.contains("config is_config=0 crc=0 is_shutdown=0"), text);
        assertTrue(text.contains("error: "), "a bad parameter is reported and the console goes on: " + text);
        assertTrue(text.contains("shutdown clock=") || text.contains("is_shutdown=1"), "the stop is seen: " + text);
    }

    private static String gcode(Path dir) throws IOException {
        return writeGcode(dir, "G28\n");
    }

    private static String writeGcode(Path dir, String text) throws IOException {
        Path p = dir.resolve("g" + text.hashCode() + ".gcode");
        Files.writeString(p, text);
        return p.toString();
    }

    @Test
    void everyCommandHasHelp() {
        for (String cmd : new String[] {"decode", "plan", "emulate", "bench"}) {
            out.getBuffer().setLength(0);
            assertEquals(0, run(cmd, "--help"));
            assertTrue(out.toString().startsWith("Usage: steptrace " + cmd), out.toString());
        }
        assertEquals(0, run("--help"));
        assertEquals(2, run("no-such-command"));
    }

    @Test
    void benchPrintsOneFigurePerLine() {
        assertEquals(0, run("bench", "--seconds", "0.05", "--generate-entries", "20"));
        var lines = out.toString().lines().toList();
        assertTrue(lines.size() >= 5, out.toString());
        for (String line : lines) {
            assertTrue(line.matches("[a-z0-9_.]+ -?[0-9.]+ \\S+"), line);
        }
    }
}
