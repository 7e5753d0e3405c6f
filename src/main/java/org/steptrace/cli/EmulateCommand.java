package org.steptrace.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.HdrHistogram.Histogram;
import org.steptrace.firmware.McuTap;
import org.steptrace.firmware.board.BoardDefinition;
import org.steptrace.firmware.board.ServedBoard;
import org.steptrace.link.ByteLink;
import org.steptrace.link.PtyLink;
import org.steptrace.link.TcpServerLink;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "emulate",
        mixinStandardHelpOptions = true,
        description = {
            "Serve an emulated board to any host program, in real time, on a pty or a TCP port,",
            "until interrupted (Ctrl-C or SIGTERM removes the pty and closes the socket)."
        })
final class EmulateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    BoardOptions boardOptions;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Endpoint endpoint;

    static final class Endpoint {
        @Option(names = "--pty", paramLabel = "PATH", description = "Make a pty at PATH (via socat) that a host opens like a serial device.")
        Path pty;

        @Option(names = "--tcp", paramLabel = "HOST:PORT", description = "Listen on HOST:PORT (HOST defaults to 127.0.0.1).")
        String tcp;
    }

    @Option(names = "--realtime", description = "Pace against the wall clock (always on: an outside host lives on it).")
    boolean realtime;

    @Mixin
    TraceOptions traceOptions;

    @Option(names = "--spin", description = "Spin the last 100 us before each timer for lower lateness (costs a core).")
    boolean spin;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!org.steptrace.firmware.board.BoardLoader.BUILT_IN.contains(boardOptions.board)
                && org.steptrace.firmware.board.BoardLoader.isGpioBoard(java.nio.file.Path.of(boardOptions.board))) {
            return serveGpio(out, err);
        }
        BoardDefinition def = boardOptions.load();
        if (def.faults().stream().anyMatch(f -> f.kind() == org.steptrace.firmware.faults.FaultKind.HOST_STALL)) {
            throw new UserInputException("--fault host-stall needs the host in this process: use 'run'");
        }
        ByteLink link = openLink();
        CountDownLatch stopped = new CountDownLatch(1);
        org.steptrace.trace.TraceSink sink = traceOptions.open(new org.steptrace.trace.TraceRecord.Header("steptrace", Main.Version.number(),
                org.steptrace.trace.TraceRecord.SCHEMA_VERSION, def.name(), null, boardOptions.seed, def.mcu().clockFrequencyHz(), true,
                "realtime", java.time.Instant.now().toString(), null), out);
        org.steptrace.firmware.board.McuTraceTap traceTap = sink.enabled()
                ? new org.steptrace.firmware.board.McuTraceTap(sink, def.mcu().clockFrequencyHz()) : null;
        McuTap tap = traceTap != null ? traceTap : McuTap.NONE;
        ServedBoard served = new ServedBoard(def, boardOptions.seed, link, spin, tap, (fault, atS) -> {
            sink.record(new org.steptrace.trace.TraceRecord.Fault(fault.kind().cliName(), fault.heater(), atS));
            err.printf(Locale.ROOT, "fault %s took effect at %.3f s%n", fault.kind().cliName(), atS);
            err.flush();
        });
        // Runs on SIGINT/SIGTERM: the JVM exits once hooks finish, so the report is printed here.
        Thread hook = new Thread(() -> {
            served.close();
            try {
                traceOptions.close();
            } catch (IOException e) {
                err.println("warning: trace: " + e.getMessage());
            }
            Histogram h = served.runner().latenessTotal();
            err.printf(Locale.ROOT, "timer lateness: p50 %.1f us, p99 %.1f us, p99.9 %.1f us, max %.1f us over %d timers%n",
                    h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(99) / 1e3, h.getValueAtPercentile(99.9) / 1e3,
                    h.getMaxValue() / 1e3, h.getTotalCount());
            err.flush();
            stopped.countDown();
        }, "emulate-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        if (traceTap != null) traceTap.watchPlant(served.board().plant());
        served.start();
        out.printf(Locale.ROOT, "serving board %s (%s, %d Hz) on %s, seed %d%n", def.name(), def.mcu().chip(),
                def.mcu().clockFrequencyHz(), link.address(), boardOptions.seed);
        out.flush();
        stopped.await();
        return 0;
    }

    /** A board wired to this Raspberry Pi's GPIO (a board file with a "gpio" section), through Pi4J. */
    private Integer serveGpio(PrintWriter out, PrintWriter err) throws IOException, InterruptedException {
        org.steptrace.firmware.board.GpioBoardSpec spec;
        try {
            spec = org.steptrace.firmware.board.BoardLoader.loadGpio(java.nio.file.Path.of(boardOptions.board));
        } catch (org.steptrace.firmware.board.BoardFormatException e) {
            throw new UserInputException(e.getMessage(), e);
        }
        if (!boardOptions.faults.isEmpty()) throw new UserInputException("--fault needs an emulated board; " + spec.name() + " is real hardware");
        com.pi4j.context.Context pi4j = com.pi4j.Pi4J.newAutoContext();
        String provider;
        try {
            provider = pi4j.provider(com.pi4j.io.IOType.DIGITAL_OUTPUT).id();
        } catch (RuntimeException e) {
            provider = null;
        }
        if (provider == null || provider.startsWith("mock")) {
            pi4j.shutdown();
            throw new UserInputException(spec.name() + ": no GPIO on this machine (Pi4J found no Raspberry Pi digital output provider)");
        }
        ByteLink link = openLink();
        ServedBoard served;
        try {
            served = new ServedBoard(o -> new org.steptrace.firmware.gpio.GpioBoard(spec, pi4j, McuTap.NONE, o), link, spin);
        } catch (RuntimeException e) {
            link.close();
            pi4j.shutdown();
            throw new UserInputException(spec.name() + ": cannot use this machine's GPIO: " + e.getMessage()
                    + " (on a Raspberry Pi, enable SPI and run with access to /dev/gpiochip* and /dev/spidev*)", e);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            served.close();
            pi4j.shutdown();
            stopped.countDown();
        }, "emulate-shutdown"));
        served.start();
        out.printf(Locale.ROOT, "serving GPIO board %s (%d Hz) on %s%n", spec.name(), spec.mcu().clockFrequencyHz(), link.address());
        out.flush();
        stopped.await();
        return 0;
    }

    private ByteLink openLink() throws IOException, InterruptedException {
        if (endpoint.pty != null) {
            try {
                return new PtyLink(endpoint.pty);
            } catch (IOException e) {
                throw new UserInputException("--pty " + e.getMessage(), e);
            }
        }
        HostPort hp = HostPort.parse(endpoint.tcp);
        try {
            return new TcpServerLink(hp.host(), hp.port());
        } catch (RuntimeException e) {
            throw new UserInputException("--tcp cannot listen on " + endpoint.tcp + ": " + e.getMessage(), e);
        }
    }
}
