package org.steptrace.protocol;

/** The conversion letters a format string may use, with their wire and value rules. */
public enum ParamType {
    UINT32("%u", false, 0L, 0xFFFFFFFFL, 5),
    INT32("%i", true, Integer.MIN_VALUE, 0xFFFFFFFFL, 5),
    UINT16("%hu", false, -0x8000L, 0xFFFFL, 3),
    INT16("%hi", true, -0x8000L, 0xFFFFL, 3),
    BYTE("%c", false, -0x80L, 0xFFL, 2),
    STRING("%s", false, 0, 0, 64),
    PROGMEM_BUFFER("%.*s", false, 0, 0, 64),
    BUFFER("%*s", false, 0, 0, 64);

    private final String conversion;
    private final boolean signed;
    private final long minEncodable;
    private final long maxEncodable;
    private final int maxEncodedBytes;

    ParamType(String conversion, boolean signed, long minEncodable, long maxEncodable, int maxEncodedBytes) {
        this.conversion = conversion;
        this.signed = signed;
        this.minEncodable = minEncodable;
        this.maxEncodable = maxEncodable;
        this.maxEncodedBytes = maxEncodedBytes;
    }

    public String conversion() {
        return conversion;
    }

    public boolean isInteger() {
        return ordinal() <= BYTE.ordinal();
    }

    public boolean isSigned() {
        return signed;
    }

    /** Worst-case encoded size, as a host budgets block space. */
    public int maxEncodedBytes() {
        return maxEncodedBytes;
    }

    /**
     * Whether {@code value} may be sent in this type. Senders put negative numbers in unsigned
     * fields (invert_step=-1 in a %c), so each width accepts both its signed and unsigned range;
     * %u takes any int32 as well.
     */
    public boolean accepts(long value) {
        long min = this == UINT32 ? Integer.MIN_VALUE : minEncodable;
        return value >= min && value <= maxEncodable;
    }

    /** The 32-bit wire value read back as this type: unsigned types as 0..2^32-1. */
    public long fromWire(int wire) {
        return signed ? wire : wire & 0xFFFFFFFFL;
    }

    static ParamType ofConversion(String conversion) {
        for (ParamType t : values()) {
            if (t.conversion.equals(conversion)) return t;
        }
        throw new DictionaryFormatException("unknown conversion '" + conversion + "'");
    }
}
