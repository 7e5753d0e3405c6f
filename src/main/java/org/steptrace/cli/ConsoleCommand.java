package org.steptrace.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Callable;
import org.steptrace.host.mcu.McuConnection;
import org.steptrace.host.mcu.WallClockDriver;
import org.steptrace.link.StreamLink;
import org.steptrace.protocol.DataDictionary;
import org.steptrace.protocol.MessageFormat;
import org.steptrace.protocol.ProtocolException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "console",
        mixinStandardHelpOptions = true,
        description = {
            "A low-level MCU console: identify the board, then type commands by name with their",
            "parameters (name=value) and see every response decoded. 'help' lists the board's",
            "commands, 'help NAME' one command's format, 'quit' (or end of input) leaves."
        })
final class ConsoleCommand implements Callable<Integer> {
    /** A line of input, or the end of it. */
    private static final String EOF = "\u0000eof";

    @Spec
    CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "1")
    ConnectCommand.Endpoint endpoint;

    @Option(names = "--baud", defaultValue = "250000", paramLabel = "N", description = "Serial baud rate (default: ${DEFAULT-VALUE}).")
    int baud;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        StreamLink link = ConnectCommand.open(endpoint, baud);
        try {
            McuConnection conn = WallClockDriver.connect(link, endpoint.serial != null ? baud : 0);
            DataDictionary dict = conn.identify();
            long commands = dict.formats().stream().filter(f -> f.kind() == MessageFormat.Kind.COMMAND).count();
            out.printf(Locale.ROOT, "connected to %s: %s %s, %d commands; type 'help'%n", link.address(),
                    dict.config().getOrDefault("MCU", "?"), dict.version(), commands);
            out.flush();
            conn.onAnyMessage(m -> {
                out.printf(Locale.ROOT, "%10.3f  %s%n", conn.nowS(), m);
                out.flush();
            });
            LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                    for (String l = in.readLine(); l != null; l = in.readLine()) lines.add(l);
                } catch (IOException e) {
                    // End of input either way.
                }
                lines.add(EOF);
            }, "console-input");
            reader.setDaemon(true);
            reader.start();
            while (true) {
                conn.runUntil(() -> !lines.isEmpty(), conn.nowS() + 0.1);
                if (conn.failure() != null) {
                    spec.commandLine().getErr().println("error: " + conn.failure());
                    return 1;
                }
                String line = lines.poll();
                if (line == null) continue;
                if (line.equals(EOF) || line.trim().equals("quit")) {
                    // Let the answers to what was just sent arrive.
                    conn.runUntil(() -> false, conn.nowS() + 0.2);
                    return 0;
                }
                run(line.trim(), dict, conn, out);
            }
        } finally {
            link.close();
        }
    }

    private static void run(String line, DataDictionary dict, McuConnection conn, PrintWriter out) {
        if (line.isEmpty() || line.startsWith("#")) return;
        if (line.equals("help") || line.startsWith("help ")) {
            String name = line.substring(4).trim();
            dict.formats().stream().filter(f -> f.kind() == MessageFormat.Kind.COMMAND)
                    .filter(f -> name.isEmpty() || f.name().equals(name))
                    .map(MessageFormat::format).sorted().forEach(out::println);
            out.flush();
            return;
        }
        try {
            conn.send(line);
        } catch (ProtocolException e) {
            out.println("error: " + e.getMessage());
            out.flush();
        }
    }
}
