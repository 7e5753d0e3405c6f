package org.steptrace.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PythonBytesTest {
    @ParameterizedTest(name = "{index}: {1}")
    @CsvSource(delimiter = '|', value = {
        "0102       | b'\\x01\\x02'",
        "''         | b''",
        "41270a     | b\"A'\\n\"",
        "0127225c   | b'\\x01\\'\"\\\\'",
        "090d7f80ff | b'\\t\\r\\x7f\\x80\\xff'",
        "207e       | b' ~'",
        "22         | b'\"'",
    })
    void rendersLikePython(String hex, String repr) {
        assertEquals(repr, PythonBytes.repr(Bytes.fromHex(hex)));
    }
}
