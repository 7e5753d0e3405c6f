package org.steptrace.sim.scenario;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.steptrace.firmware.board.BoardLoader;
import org.steptrace.host.config.ConfigException;
import org.steptrace.host.config.PrinterConfig;

/** A board the library runs scenarios on: a built-in name or a board file, and its printer config's text. */
public record BoardSource(String board, String name, String configText) {
    /** The built-in boards (those with a printer config in this build). */
    public static List<BoardSource> builtIn() {
        List<BoardSource> all = new ArrayList<>();
        for (String name : BoardLoader.BUILT_IN) {
            String text = PrinterConfig.builtInText(name);
            if (text != null) all.add(new BoardSource(name, name, text));
        }
        return all;
    }

    /**
     * The board files in {@code dir} that have a printer config beside them (name.json with
     * name.cfg), in name order; a board file without its config is an error naming it.
     */
    public static List<BoardSource> inFolder(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) throw new ConfigException(dir + ": not a folder of board files");
        List<Path> boards;
        try (Stream<Path> files = Files.list(dir)) {
            boards = files.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
        }
        List<BoardSource> all = new ArrayList<>();
        for (Path b : boards) {
            if (BoardLoader.isGpioBoard(b)) continue; // GPIO boards run on a Pi's pins, not in virtual time
            String name = b.getFileName().toString().replaceFirst("\\.json$", "");
            Path cfg = b.resolveSibling(name + ".cfg");
            if (!Files.exists(cfg)) throw new ConfigException(b + ": no printer config " + cfg.getFileName() + " beside it");
            all.add(new BoardSource(b.toString(), name, Files.readString(cfg, StandardCharsets.UTF_8)));
        }
        if (all.isEmpty()) throw new ConfigException(dir + ": no board files (name.json with name.cfg beside it)");
        return all;
    }
}
