package org.steptrace.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Crc16Test {
    @Test
    void checkValue() {
        byte[] b = "123456789".getBytes(StandardCharsets.US_ASCII);
        assertEquals(0x6F91, Crc16.compute(b, 0, b.length));
    }

    @ParameterizedTest(name = "ACK seq {0}")
    @CsvSource({"0, 05109e817e", "1, 05118f087e", "15, 051f66767e"})
    void emptyBlocksMatchTheWire(int seq, String hex) {
        assertEquals(hex, Bytes.of(MessageBlock.ack(seq).encode()).hex());
    }

    @Test
    void identifyRequestMatchesTheWire() {
        DataDictionary dict = DataDictionary.builder().build();
        PayloadWriter w = new PayloadWriter();
        dict.requireCommand(DataDictionary.IDENTIFY).message(0, 40).encode(w);
        assertEquals("0810010028" + "5e9f7e", Bytes.of(new MessageBlock(0, w.toBytes()).encode()).hex());
        assertEquals("0811010028" + "42247e", Bytes.of(new MessageBlock(1, w.toBytes()).encode()).hex());
    }
}
