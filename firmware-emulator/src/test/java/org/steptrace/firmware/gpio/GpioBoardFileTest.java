package org.steptrace.firmware.gpio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.steptrace.firmware.board.BoardFormatException;
import org.steptrace.firmware.board.BoardLoader;
import org.steptrace.firmware.board.GpioBoardSpec;

class GpioBoardFileTest {
    @Test
    void theSampleGpioBoardReadsAndMistakesAreNamed(@TempDir Path dir) throws Exception {
        Path good = Path.of("boards", "pi-gpio-cartesian.json");
        assertTrue(BoardLoader.isGpioBoard(good));
        GpioBoardSpec spec = BoardLoader.loadGpio(good);
        assertEquals(17, spec.bcmByPin().get("PF0"));
        assertEquals(1, spec.adcChannelByPin().get("PK6"));
        assertTrue(!BoardLoader.isGpioBoard(Path.of("boards", "avr-cartesian.json")));

        String text = Files.readString(good);
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, text.replace("\"PK6\": 1", "\"PK6\": 9"));
        var e = assertThrows(BoardFormatException.class, () -> BoardLoader.loadGpio(bad));
        assertTrue(e.getMessage().contains("gpio.adc.channels.PK6: MCP3008 channels run 0..7, got 9"), e.getMessage());
        Files.writeString(bad, text.replace("\"PF0\": 17", "\"PZ9\": 17"));
        e = assertThrows(BoardFormatException.class, () -> BoardLoader.loadGpio(bad));
        assertTrue(e.getMessage().contains("no pin 'PZ9' on this MCU"), e.getMessage());
        Files.writeString(bad, text.replace("\"PF0\": 17", "\"PF0\": 40"));
        e = assertThrows(BoardFormatException.class, () -> BoardLoader.loadGpio(bad));
        assertTrue(e.getMessage().contains("BCM GPIO numbers run 0..27, got 40"), e.getMessage());
    }

    @Test
    void mcp3008FramesRoundTrip() {
        for (int ch = 0; ch < 8; ch++) {
            assertEquals(ch, Mcp3008.channelOf(Mcp3008.request(ch)));
        }
        for (int v : new int[] {0, 1, 255, 256, 512, 1023}) assertEquals(v, Mcp3008.value(Mcp3008.reply(v)));
        assertThrows(IllegalArgumentException.class, () -> Mcp3008.request(8));
    }
}
