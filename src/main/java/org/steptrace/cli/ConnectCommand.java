package org.steptrace.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.steptrace.host.config.ConfigException;
import org.steptrace.host.config.PrinterConfig;
import org.steptrace.host.gcode.GcodeException;
import org.steptrace.host.mcu.McuConnection;
import org.steptrace.host.mcu.WallClockDriver;
import org.steptrace.host.toolhead.LiveHost;
import org.steptrace.link.SerialLink;
import org.steptrace.link.StreamLink;
import org.steptrace.link.TcpClientLink;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "connect",
        mixinStandardHelpOptions = true,
        description = {
            "Drive a real board (or a served emulator) over a serial device or TCP, in real time:",
            "identify with the board's own dictionary, synchronise clocks, configure, then run G-code",
            "from a file or stdin. Reports the measured MCU clock and where every stepper ended."
        })
final class ConnectCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--printer", required = true, paramLabel = "CFG", description = "Printer config (printer.cfg format).")
    Path printer;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Endpoint endpoint;

    static final class Endpoint {
        @Option(names = "--serial", paramLabel = "DEV", description = "Serial device, pty or symlink to one.")
        String serial;

        @Option(names = "--tcp", paramLabel = "HOST:PORT", description = "A board served over TCP (e.g. by 'emulate --tcp').")
        String tcp;
    }

    @Option(names = "--baud", defaultValue = "250000", paramLabel = "N", description = "Serial baud rate (default: ${DEFAULT-VALUE}).")
    int baud;

    @picocli.CommandLine.Mixin
    TraceOptions traceOptions;

    @Parameters(index = "0", arity = "0..1", paramLabel = "GCODE", description = "G-code file (default: read stdin).")
    Path gcode;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        PrinterConfig cfg = Inputs.printerConfig(printer);
        cfg.warnings().forEach(w -> err.println("warning: " + w));
        List<String> fileLines = gcode != null ? Inputs.lines(gcode) : null;
        StreamLink link = open(endpoint, baud);
        org.steptrace.trace.TraceSink sink = org.steptrace.trace.TraceSink.NONE;
        try (TraceOptions traces = traceOptions) {
            McuConnection conn = WallClockDriver.connect(link, endpoint.serial != null ? baud : 0);
            // The header's clock is the nominal one the board will state; known once identified, so 0 here.
            sink = traces.open(new org.steptrace.trace.TraceRecord.Header("steptrace", Main.Version.number(),
                    org.steptrace.trace.TraceRecord.SCHEMA_VERSION, link.address(), cfg.sha256(), null, 0, false, "realtime",
                    java.time.Instant.now().toString(), gcode != null ? gcode.getFileName().toString() : "<stdin>"), out);
            return drive(conn, cfg, link, fileLines, sink, out, err);
        } finally {
            link.close();
        }
    }

    private int drive(McuConnection conn, PrinterConfig cfg, StreamLink link, List<String> fileLines, org.steptrace.trace.TraceSink sink,
                      PrintWriter out, PrintWriter err) throws IOException {
        try {
            // Standard input is read only once the board is there: a wrong device fails at once.
            List<String> lines = fileLines != null ? fileLines : readStdin();
            LiveHost host = LiveHost.start(conn, cfg, sink);
            var config = host.dictionary().config();
            out.printf(Locale.ROOT, "connected to %s: %s, CLOCK_FREQ %s Hz, measured %.0f Hz%n", link.address(),
                    config.getOrDefault("MCU", "?"), config.getOrDefault("CLOCK_FREQ", "?"), host.measuredClockHz());
            out.flush();
            host.run(lines, gcode != null ? gcode.toString() : "<stdin>");
            LiveHost.Result r = host.finish();
            r.replies().forEach(err::println);
            out.printf(Locale.ROOT, "print time %.3f s, %d moves, %d steps%n", r.printTimeS(), r.moves(), r.stepsSent());
            LiveReport.print(out, r);
            out.flush();
            return 0;
        } catch (GcodeException | ConfigException e) {
            throw new UserInputException(e.getMessage(), e);
        } catch (McuConnection.McuSessionException e) {
            // The trace so far stays: the reason is its last record.
            sink.record(new org.steptrace.trace.TraceRecord.Shutdown("host", e.getMessage(), null, conn.nowS()));
            err.println("error: " + e.getMessage());
            err.flush();
            return 1;
        }
    }

    /** Opens the endpoint a user named; failures are one clear line. */
    static StreamLink open(Endpoint endpoint, int baud) {
        try {
            if (endpoint.serial != null) return SerialLink.open(endpoint.serial, baud);
            HostPort hp = HostPort.parse(endpoint.tcp);
            return TcpClientLink.connect(hp.host(), hp.port());
        } catch (IOException e) {
            throw new UserInputException(e.getMessage(), e);
        }
    }

    private static List<String> readStdin() throws IOException {
        return new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).lines().toList();
    }
}
