package org.steptrace.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
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
}
