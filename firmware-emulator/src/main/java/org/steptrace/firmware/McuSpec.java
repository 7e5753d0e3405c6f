package org.steptrace.firmware;

import java.util.Map;
import java.util.Objects;
import org.steptrace.protocol.Enumeration;

/**
 * What a board's MCU is: the constants its dictionary states and the pins it names.
 *
 * @param moveCount move-queue slots the firmware allocates at finalize_config
 * @param serialBaud 0 for a USB or pty link (no SERIAL_BAUD in the dictionary)
 * @param receiveWindowBytes 0 when the MCU states no RECEIVE_WINDOW
 * @param timerLatenessLimitTicks how late a timer may run before "Rescheduled timer in the past"
 */
public record McuSpec(
        String chip,
        long clockFrequencyHz,
        long serialBaud,
        int receiveWindowBytes,
        int adcMax,
        int pwmMax,
        int moveCount,
        long timerLatenessLimitTicks,
        Map<String, Enumeration.EntryDefinition> pins) {
    public McuSpec {
        Objects.requireNonNull(chip);
        pins = Map.copyOf(pins);
        if (clockFrequencyHz <= 0 || 3.0 * clockFrequencyHz > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("clock frequency " + clockFrequencyHz + " Hz outside 1..715 MHz");
        }
        if (moveCount < 1 || moveCount > 65535) throw new IllegalArgumentException("move_count " + moveCount + " outside 1..65535");
        if (adcMax < 1) throw new IllegalArgumentException("ADC_MAX must be positive");
    }

    /** Ticks in {@code seconds} at this clock, truncated. */
    public long ticks(double seconds) {
        return (long) (seconds * clockFrequencyHz);
    }

    public double seconds(long ticks) {
        return ticks / (double) clockFrequencyHz;
    }
}
