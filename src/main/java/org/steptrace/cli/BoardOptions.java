package org.steptrace.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.steptrace.firmware.board.BoardDefinition;
import org.steptrace.firmware.board.BoardFormatException;
import org.steptrace.firmware.board.BoardLoader;
import org.steptrace.firmware.faults.Fault;
import org.steptrace.host.config.ConfigException;
import org.steptrace.host.config.PrinterConfig;
import picocli.CommandLine.Option;

/** The options that pick an emulated board, seed it and inject faults (shared by emulate and run). */
final class BoardOptions {
    @Option(names = "--board", required = true, paramLabel = "NAME|FILE",
            description = "A built-in board (avr-cartesian, arm-corexy, arm-delta) or a board file.")
    String board;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "N", description = "Seed for sensor noise (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--fault", paramLabel = "KIND@SECONDS[:HEATER]",
            description = "Inject a fault at SECONDS of emulated time: thermistor-open, thermistor-short, heater-dead, "
                    + "heater-stuck-on, thermistor-detached, link-drop, host-stall (run only). Repeatable.")
    List<String> faults = new ArrayList<>();

    /** The board with the faults asked for; a bad file or fault is one clear line. */
    BoardDefinition load() {
        BoardDefinition def;
        try {
            def = BoardLoader.load(board);
        } catch (BoardFormatException e) {
            throw new UserInputException(e.getMessage(), e);
        }
        List<Fault> parsed = new ArrayList<>();
        for (String f : faults) {
            try {
                parsed.add(Fault.parse(f));
            } catch (IllegalArgumentException e) {
                throw new UserInputException("--fault " + e.getMessage(), e);
            }
        }
        for (Fault f : parsed) {
            if (f.heater() != null && def.heaters().stream().noneMatch(h -> h.name().equals(f.heater()))) {
                throw new UserInputException("--fault " + f + ": board " + def.name() + " has no heater '" + f.heater() + "'");
            }
        }
        return def.withFaults(parsed);
    }

    /**
     * The printer config that goes with the board: {@code printer} if given, else the built-in
     * board's own, else the .cfg beside the board file.
     */
    PrinterConfig printerConfig(Path printer) {
        if (printer != null) return Inputs.printerConfig(printer);
        if (BoardLoader.BUILT_IN.contains(board)) {
            try {
                PrinterConfig c = PrinterConfig.builtIn(board);
                if (c == null) throw new UserInputException("built-in board " + board + " has no printer config in this build");
                return c;
            } catch (ConfigException e) {
                throw new UserInputException(e.getMessage(), e);
            }
        }
        String name = Path.of(board).getFileName().toString().replaceFirst("\\.json$", "") + ".cfg";
        Path beside = Path.of(board).toAbsolutePath().resolveSibling(name);
        if (!Files.exists(beside)) throw new UserInputException("--printer is needed: no " + beside + " beside the board file");
        return Inputs.printerConfig(beside);
    }
}
