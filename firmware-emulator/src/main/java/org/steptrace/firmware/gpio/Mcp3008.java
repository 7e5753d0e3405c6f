package org.steptrace.firmware.gpio;

/**
 * The MCP3008's SPI exchange for one single-ended conversion: three bytes out (start bit,
 * single-ended flag with the channel, padding), three back, the 10-bit result in the low two
 * bits of the second and all of the third.
 */
public final class Mcp3008 {
    public static final int FRAME_BYTES = 3;
    public static final int MAX_VALUE = 1023;

    private Mcp3008() {}

    /** The bytes that ask for a single-ended conversion of {@code channel} (0..7). */
    public static byte[] request(int channel) {
        if (channel < 0 || channel > 7) throw new IllegalArgumentException("MCP3008 channel " + channel + " outside 0..7");
        return new byte[] {0x01, (byte) (0x80 | (channel << 4)), 0x00};
    }

    /** The conversion result in a reply frame. */
    public static int value(byte[] reply) {
        return ((reply[1] & 0x03) << 8) | (reply[2] & 0xFF);
    }

    /** The channel a request frame asks for, or −1 if it is not a single-ended request (the chip's side). */
    public static int channelOf(byte[] request) {
        if ((request[0] & 0x01) == 0 || (request[1] & 0x80) == 0) return -1;
        return (request[1] >> 4) & 0x07;
    }

    /** The reply the chip clocks out for {@code value} (the chip's side). */
    public static byte[] reply(int value) {
        int v = Math.max(0, Math.min(MAX_VALUE, value));
        return new byte[] {0x00, (byte) ((v >> 8) & 0x03), (byte) (v & 0xFF)};
    }
}
