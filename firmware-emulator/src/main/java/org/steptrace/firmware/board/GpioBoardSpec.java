package org.steptrace.firmware.board;

import java.util.Map;
import org.steptrace.firmware.McuSpec;

/**
 * A board whose pins are a Raspberry Pi's GPIO (a board file with a "gpio" section): each MCU
 * pin name the host's config uses maps to a BCM GPIO number; analog pins map to channels of an
 * MCP3008 ADC on an SPI bus.
 *
 * @param bcmByPin   MCU pin name → BCM GPIO number, for digital inputs and outputs
 * @param adcChannelByPin MCU pin name → MCP3008 channel 0..7
 */
public record GpioBoardSpec(String name, String description, McuSpec mcu, Map<String, Integer> bcmByPin, int spiBus,
                            int spiChipSelect, int spiBaud, Map<String, Integer> adcChannelByPin) {
    public GpioBoardSpec {
        bcmByPin = Map.copyOf(bcmByPin);
        adcChannelByPin = Map.copyOf(adcChannelByPin);
    }
}
