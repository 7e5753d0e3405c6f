package org.steptrace.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.steptrace.host.config.ConfigException;
import org.steptrace.host.config.PrinterConfig;
import org.steptrace.protocol.DataDictionary;
import org.steptrace.protocol.ProtocolException;

/** Reads the files commands name, turning failures into one clear line that names the file. */
final class Inputs {
    private Inputs() {}

    static byte[] readBytes(Path path) {
        try {
            return Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new UserInputException(path + ": no such file");
        } catch (IOException e) {
            throw new UserInputException(path + ": cannot read: " + e.getMessage(), e);
        }
    }

    static DataDictionary dictionary(Path path) {
        try {
            return DataDictionary.parse(readBytes(path));
        } catch (ProtocolException e) {
            throw new UserInputException(path + ": " + e.getMessage(), e);
        }
    }

    static PrinterConfig printerConfig(Path path) {
        try {
            return PrinterConfig.load(path);
        } catch (ConfigException e) {
            throw new UserInputException(e.getMessage(), e);
        }
    }

    static List<String> lines(Path path) {
        try {
            return Files.readAllLines(path, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new UserInputException(path + ": no such file");
        } catch (IOException e) {
            throw new UserInputException(path + ": cannot read: " + e.getMessage(), e);
        }
    }
}
