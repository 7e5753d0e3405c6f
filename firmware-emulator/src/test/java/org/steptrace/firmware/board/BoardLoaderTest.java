package org.steptrace.firmware.board;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BoardLoaderTest {
    @Test
    void everyBoardFileInTheBoardsFolderLoads() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(Path.of("boards"))) {
            // GPIO boards (real hardware on a Pi) are read by their own loader: GpioBoardFileTest.
            files = s.filter(p -> p.toString().endsWith(".json") && !BoardLoader.isGpioBoard(p)).sorted().toList();
        }
        assertEquals(3, files.size());
        for (Path p : files) {
            BoardDefinition b = BoardLoader.load(p);
            assertTrue(Files.exists(Path.of("boards", b.name() + ".cfg")), "every board has a matching printer config");
            assertFalse(b.heaters().isEmpty());
        }
    }

    @Test
    void builtInBoardsArePackaged() {
        for (String name : BoardLoader.BUILT_IN) {
            BoardDefinition b = BoardLoader.load(name);
            assertEquals(name, b.name());
        }
        BoardDefinition avr = BoardLoader.builtIn("avr-cartesian");
        assertEquals(16_000_000, avr.mcu().clockFrequencyHz());
        assertEquals("cartesian", avr.kinematicsName());
        BoardDefinition arm = BoardLoader.builtIn("arm-corexy");
        assertTrue(arm.mcu().clockFrequencyHz() >= 72_000_000 && arm.mcu().clockFrequencyHz() <= 180_000_000);
        assertEquals("corexy", arm.kinematicsName());
        assertEquals("delta", BoardLoader.builtIn("arm-delta").kinematicsName());
    }

    @Test
    void theAvrBoardUsesTheFixtureDictionarysPinNumbers() {
        var pins = org.steptrace.protocol.Enumeration.fromDefinition("pin", BoardLoader.builtIn("avr-cartesian").mcu().pins());
        var fixture = org.steptrace.testing.Fixtures.avrDictionary().enumeration("pin").orElseThrow();
        assertEquals(fixture.values(), pins.values());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "negative loss      | \"loss_w_per_k\": 0.09          | \"loss_w_per_k\": -1      | heaters[0].plant.loss_w_per_k: must be positive, got -1.0",
        "unknown kinematics | \"kinematics\": \"cartesian\"  | \"kinematics\": \"scara\" | mechanism.kinematics: must be cartesian, corexy or delta, got 'scara'",
        "unknown pin        | \"step_pin\": \"PF0\"          | \"step_pin\": \"PZ9\"     | steppers[0].step_pin: 'PZ9' is not a pin of this MCU",
        "pin used twice     | \"dir_pin\": \"PF1\"           | \"dir_pin\": \"PF0\"      | steppers[0].dir_pin: pin 'PF0' is already used",
        "typo in a field    | \"steps_per_mm\": 400          | \"step_per_mm\": 400      | steppers[2].step_per_mm: unknown field",
        "missing clock      | \"clock_freq_hz\": 16000000,   | ''                         | mcu.clock_freq_hz: missing",
        "bad thermistor     | \"EPCOS 100K B57560G104F\"     | \"Mystery 100K\"          | heaters[0].thermistor.type: unknown thermistor 'Mystery 100K'",
        "clock too fast     | \"clock_freq_hz\": 16000000    | \"clock_freq_hz\": 900000000 | mcu.clock_freq_hz: must be 1 Hz..715 MHz",
    })
    void malformedBoardsGiveOneClearErrorNamingTheField(String what, String from, String to, String message) throws IOException {
        String json = Files.readString(Path.of("boards/avr-cartesian.json"));
        assertTrue(json.contains(from), from);
        String broken = json.replaceFirst(java.util.regex.Pattern.quote(from), java.util.regex.Matcher.quoteReplacement(to));
        var e = assertThrows(BoardFormatException.class, () -> BoardLoader.parse(broken.getBytes(StandardCharsets.UTF_8), "x.json"));
        assertTrue(e.getMessage().startsWith("x.json: " + message), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void invalidJsonNamesTheLine() {
        var e = assertThrows(BoardFormatException.class, () -> BoardLoader.parse("{\n\"name\": \"x\",\n}".getBytes(StandardCharsets.UTF_8), "y.json"));
        assertTrue(e.getMessage().startsWith("y.json: not valid JSON at line 3"), e.getMessage());
        var missing = assertThrows(BoardFormatException.class, () -> BoardLoader.load("no-such-board"));
        assertTrue(missing.getMessage().contains("built-in: avr-cartesian, arm-corexy, arm-delta"), missing.getMessage());
    }
}
