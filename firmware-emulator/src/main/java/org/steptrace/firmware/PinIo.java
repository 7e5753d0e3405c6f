package org.steptrace.firmware;

/**
 * The electrical side of the MCU's pins: what the simulated board reads and what the firmware
 * drives. Pins are numbered as the dictionary's pin enumeration numbers them.
 */
public interface PinIo {
    /** The logic level (0 or 1) on an input pin at {@code tick}. */
    int readDigital(int pin, long tick);

    /** One raw ADC conversion (0..ADC_MAX) of an analog pin at {@code tick}. */
    int readAdc(int pin, long tick);

    /** The firmware drives an output pin to {@code level} at {@code tick}. */
    void writeDigital(int pin, int level, long tick);

    /** A step pulse on {@code stepPin} at {@code tick}; {@code position} is the stepper's step count after it. */
    default void stepped(int stepPin, long tick, int position) {}

    /** Pins that are never connected: inputs read 0, ADCs read 0, outputs go nowhere. */
    PinIo FLOATING = new PinIo() {
        @Override
        public int readDigital(int pin, long tick) {
            return 0;
        }

        @Override
        public int readAdc(int pin, long tick) {
            return 0;
        }

        @Override
        public void writeDigital(int pin, int level, long tick) {}
    };
}
