package org.steptrace.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class VlqTest {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "0, 00",
        "95, 5f",
        "96, 8060",
        "-1, 7f",
        "-32, 60",
        "-33, ff5f",
        "127, 807f",
        "128, 8100",
        "12287, df7f",
        "12288, 80e000",
        "-4096, e000",
        "1572864, 80e08000",
        "545363997, 828486b01d",
        "-2147483648, 8880808000",
    })
    void encodesTheSpecVectors(int value, String hex) {
        assertEquals(hex, Bytes.of(Vlq.encode(value)).hex());
        byte[] b = Bytes.fromHex(hex).toByteArray();
        long d = Vlq.decode(b, 0, b.length);
        assertEquals(value, Vlq.value(d));
        assertEquals(b.length, Vlq.length(d));
    }

    @ParameterizedTest(name = "{1} reads as {0}")
    @CsvSource({
        // The host's Python encoder range-checks the unwrapped value: 2^31..2^32-1 in 5 bytes.
        "-1, 8fffffff7f",
        "-2147483648, 8880808000",
        "-32, 8fffffff60",
    })
    void acceptsTheOtherFiveByteForms(int value, String hex) {
        byte[] b = Bytes.fromHex(hex).toByteArray();
        assertEquals(value, Vlq.value(Vlq.decode(b, 0, b.length)));
    }

    @ParameterizedTest
    @CsvSource({"80", "8080", "ff", "8181818181"})
    void reportsTruncatedOrOverlongIntegers(String hex) {
        byte[] b = Bytes.fromHex(hex).toByteArray();
        assertEquals(-1L, Vlq.decode(b, 0, b.length));
    }

    @ParameterizedTest
    @CsvSource({"0", "-1", "95", "96", "-33", "12287", "12288", "2147483647", "-2147483648", "201326591", "201326592", "-67108865"})
    void encodedLengthMatchesEncoding(int value) {
        assertEquals(Vlq.encode(value).length, Vlq.encodedLength(value));
    }
}
