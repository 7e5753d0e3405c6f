package org.steptrace.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.steptrace.protocol.DataDictionary;

/** The shared fixtures (real dictionaries and streams) that sit beside the project. */
public final class Fixtures {
    private Fixtures() {}

    public static Path shared() {
        String p = System.getProperty("steptrace.shared", "../shared");
        Path dir = Path.of(p);
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("shared fixtures not found at " + dir.toAbsolutePath());
        }
        return dir;
    }

    public static Path path(String relative) {
        return shared().resolve("fixtures").resolve(relative);
    }

    public static byte[] bytes(String relative) {
        try {
            return Files.readAllBytes(path(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String text(String relative) {
        try {
            return Files.readString(path(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static DataDictionary linuxDictionary() {
        return DataDictionary.parse(bytes("dictionaries/linuxprocess.dict"));
    }

    public static DataDictionary avrDictionary() {
        return DataDictionary.parse(bytes("dictionaries/atmega2560.dict"));
    }
}
