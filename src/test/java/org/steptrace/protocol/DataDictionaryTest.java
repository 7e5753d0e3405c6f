package org.steptrace.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.steptrace.testing.Fixtures;

class DataDictionaryTest {
    @Test
    void parsesTheLinuxProcessDictionary() {
        DataDictionary d = Fixtures.linuxDictionary();
        assertEquals(50_000_000L, d.clockFrequencyHz());
        assertEquals(4095L, d.configLong("ADC_MAX").orElseThrow());
        assertEquals("linux", d.config().get("MCU"));
        assertEquals(117 + 26, d.formats().size());
        MessageFormat qs = d.requireCommand("queue_step oid=%c interval=%u count=%hu add=%hi");
        assertEquals(List.of(ParamType.BYTE, ParamType.UINT32, ParamType.UINT16, ParamType.INT16),
                qs.params().stream().map(MessageFormat.Param::type).toList());
        assertTrue(d.formats().stream().anyMatch(f -> f.id() < 0), "negative ids are normal");
        assertEquals("identify", d.byId(1).orElseThrow().name());
        assertEquals("identify_response", d.byId(0).orElseThrow().name());
    }

    @Test
    void parsesTheAvrDictionary() {
        DataDictionary d = Fixtures.avrDictionary();
        assertEquals(16_000_000L, d.clockFrequencyHz());
        assertEquals(250_000L, d.configLong("SERIAL_BAUD").orElseThrow());
        assertEquals(192L, d.configLong("RECEIVE_WINDOW").orElseThrow());
        Enumeration pins = d.enumeration("pin").orElseThrow();
        assertEquals(40L, pins.valueOf("PF0").orElseThrow());
        assertEquals(47L, pins.valueOf("PF7").orElseThrow());
        assertFalse(pins.valueOf("PF8").isPresent());
        assertEquals("PK6", pins.nameOf(86).orElseThrow());
    }

    @Test
    void enumerationsFollowTheReferenceNamingRules() {
        DataDictionary d = Fixtures.linuxDictionary();
        Enumeration pins = d.enumeration("pin").orElseThrow();
        // gpio17 and gpiochip0/gpio17 share a value; the last inserted name wins the reverse map.
        assertEquals(17L, pins.valueOf("gpio17").orElseThrow());
        assertEquals(17L, pins.valueOf("gpiochip0/gpio17").orElseThrow());
        assertEquals("gpiochip0/gpio17", pins.nameOf(17).orElseThrow());
        assertEquals("analog7", pins.nameOf(4103).orElseThrow());
        assertEquals("gpiochip1/gpio287", pins.nameOf(575).orElseThrow());
        Enumeration spi = d.enumeration("spi_bus").orElseThrow();
        assertEquals(271L, spi.valueOf("spidev1.15").orElseThrow());
        Enumeration i2c = d.enumeration("i2c_bus").orElseThrow();
        assertEquals(14L, i2c.valueOf("i2c.14").orElseThrow());
        assertFalse(i2c.valueOf("i2c.15").isPresent());
    }

    @Test
    void aRepeatedNameKeepsItsPlaceButTakesTheNewerValue() {
        Map<String, Enumeration.EntryDefinition> entries = new LinkedHashMap<>();
        entries.put("a0", Enumeration.EntryDefinition.range(0, 3));
        entries.put("a1", Enumeration.EntryDefinition.single(7));
        entries.put("b", Enumeration.EntryDefinition.single(1));
        Enumeration e = Enumeration.fromDefinition("x", entries);
        assertEquals(List.of("a0", "a1", "a2", "b"), new ArrayList<>(e.values().keySet()));
        assertEquals(7L, e.valueOf("a1").orElseThrow());
        assertEquals("b", e.nameOf(1).orElseThrow());
        assertEquals("a1", e.nameOf(7).orElseThrow());
    }

    @Test
    void parsesTheZlibBlobAsWellAsPlainJson() {
        DataDictionary plain = Fixtures.linuxDictionary();
        DataDictionary fromBlob = DataDictionary.parse(plain.identifyBlob().toByteArray());
        assertEquals(plain.json(), fromBlob.json());
        assertEquals(plain.formats().size(), fromBlob.formats().size());
        assertEquals(plain.identifyBlob(), fromBlob.identifyBlob());
    }

    @Test
    void identifyChunksReassemble() {
        DataDictionary d = Fixtures.avrDictionary();
        IdentifyAssembler asm = new IdentifyAssembler();
        int requests = 0;
        while (!asm.isComplete()) {
            int off = asm.nextOffset();
            asm.accept(off, d.identifyChunk(off, IdentifyAssembler.CHUNK_BYTES));
            requests++;
        }
        assertEquals(d.identifyBlob().size() / 40 + (d.identifyBlob().size() % 40 == 0 ? 1 : 2), requests);
        assertEquals(d.json(), asm.dictionary().json());
    }

    @Test
    void assemblerIgnoresChunksForAnotherOffset() {
        DataDictionary d = Fixtures.avrDictionary();
        IdentifyAssembler asm = new IdentifyAssembler();
        asm.accept(0, d.identifyChunk(0, 40));
        asm.accept(0, d.identifyChunk(0, 40)); // duplicate answer to a retried request
        asm.accept(80, d.identifyChunk(80, 40)); // not the offset asked for
        assertEquals(40, asm.nextOffset());
        assertEquals(Bytes.EMPTY, d.identifyChunk(1_000_000, 40));
    }

    @Test
    void builderAssignsIdsAsAFirmwareBuildDoes() {
        DataDictionary.Builder b = DataDictionary.builder();
        for (int i = 0; i < 140; i++) b.command("cmd" + i + " oid=%c");
        b.response("resp value=%u");
        DataDictionary d = b.config("CLOCK_FREQ", 16_000_000).build();
        assertEquals(2, d.command("cmd0").orElseThrow().id());
        assertEquals(95, d.command("cmd93").orElseThrow().id());
        assertEquals(-32, d.command("cmd94").orElseThrow().id());
        assertEquals(-1, d.command("cmd125").orElseThrow().id());
        assertEquals(128, d.command("cmd126").orElseThrow().id());
        assertEquals(142, d.response("resp").orElseThrow().id());
        String json = new String(d.json().toByteArray(), StandardCharsets.UTF_8);
        assertTrue(json.startsWith("{\"app\":"), json);
        assertEquals(d.json(), DataDictionary.parse(d.identifyBlob().toByteArray()).json());
    }

    @Test
    void everyCommandOfBothRealDictionariesRoundTrips() {
        for (DataDictionary d : List.of(Fixtures.linuxDictionary(), Fixtures.avrDictionary())) {
            MessageParser parser = new MessageParser(d);
            for (MessageFormat f : d.formats()) {
                Object[] values = new Object[f.params().size()];
                for (int i = 0; i < values.length; i++) {
                    ParamType t = f.params().get(i).type();
                    values[i] = t.isInteger() ? (Object) (long) (t.isSigned() ? -i - 1 : i + 3) : new byte[] {1, 0x7e, (byte) i};
                }
                Message m = f.message(values);
                PayloadWriter w = new PayloadWriter();
                m.encode(w);
                List<Message> back = parser.parse(w.toBytes());
                assertEquals(List.of(m), back, f.format());
            }
        }
    }

    @Test
    void malformedDictionariesFailClearly() {
        var e = assertThrows(DictionaryFormatException.class,
                () -> DataDictionary.parse("{\"commands\": {\"x oid=%c\": 1,}".getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().contains("line 1"), e.getMessage());
        e = assertThrows(DictionaryFormatException.class, () -> DataDictionary.parse(
                "{\"commands\":{\"identify offset=%u count=%c\":1,\"a x=%c\":5,\"b y=%c\":5},\"responses\":{\"identify_response offset=%u data=%.*s\":0}}"
                        .getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().contains("message id 5"), e.getMessage());
        e = assertThrows(DictionaryFormatException.class, () -> DataDictionary.parse(
                "{\"commands\":{\"identify offset=%u count=%c\":1,\"a x=%f\":5},\"responses\":{\"identify_response offset=%u data=%.*s\":0}}"
                        .getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().contains("a x=%f"), e.getMessage());
        byte[] blob = Fixtures.linuxDictionary().identifyBlob().toByteArray();
        byte[] cut = java.util.Arrays.copyOf(blob, blob.length / 2);
        e = assertThrows(DictionaryFormatException.class, () -> DataDictionary.parse(cut));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        assertArrayEquals(blob, Fixtures.linuxDictionary().identifyBlob().toByteArray());
    }
}
