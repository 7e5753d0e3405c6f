package org.steptrace.firmware;

import java.util.Map;
import org.steptrace.protocol.Enumeration;

/** MCU specs for tests, shaped like real parts. */
final class TestBoards {
    private TestBoards() {}

    /** A 16 MHz AVR-class MCU on a 250000-baud UART with the atmega2560's pin numbering; timers may be 100 ms late. */
    static McuSpec avr() {
        return new McuSpec("atmega2560", 16_000_000, 250_000, 192, 1023, 255, 200, 1_600_000,
                Map.of("PA0", Enumeration.EntryDefinition.range(0, 8), "PB0", Enumeration.EntryDefinition.range(8, 8),
                        "PE0", Enumeration.EntryDefinition.range(32, 8), "PF0", Enumeration.EntryDefinition.range(40, 8),
                        "PH0", Enumeration.EntryDefinition.range(56, 8), "PK0", Enumeration.EntryDefinition.range(80, 8)));
    }
}
