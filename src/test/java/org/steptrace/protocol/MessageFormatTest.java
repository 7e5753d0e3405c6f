package org.steptrace.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.steptrace.testing.Fixtures;

class MessageFormatTest {
    private final DataDictionary linux = Fixtures.linuxDictionary();
    private final DataDictionary avr = Fixtures.avrDictionary();

    @Test
    void enumeratedParametersTakeNamesBothWays() {
        MessageFormat f = avr.requireCommand("config_stepper oid=%c step_pin=%c dir_pin=%c invert_step=%c step_pulse_ticks=%u");
        assertEquals("pin", f.params().get(1).enumeration().name());
        assertNull(f.params().get(3).enumeration());
        Message m = f.message(2, "PF0", "PF1", 0, 32);
        assertEquals("config_stepper oid=2 step_pin=PF0 dir_pin=PF1 invert_step=0 step_pulse_ticks=32", m.toString());
        assertEquals(40L, m.getLong("step_pin"));
        assertEquals("PF1", m.getSymbol("dir_pin"));
    }

    @Test
    void unsignedFieldsPrintUnsignedAndSignedFieldsSigned() {
        MessageFormat f = avr.requireCommand("config_stepper oid=%c step_pin=%c dir_pin=%c invert_step=%c step_pulse_ticks=%u");
        Message m = f.message(2, 40, 41, -1, 32);
        assertEquals("config_stepper oid=2 step_pin=PF0 dir_pin=PF1 invert_step=4294967295 step_pulse_ticks=32", m.toString());
        assertEquals(-1, m.getInt("invert_step"));
        MessageFormat qs = avr.requireCommand("queue_step oid=%c interval=%u count=%hu add=%hi");
        assertEquals("queue_step oid=9 interval=3963574631 count=1 add=-5",
                qs.message(9, 3963574631L, 1, -5).toString());
    }

    @Test
    void valuesWithoutANamePrintAsQuestionMarkNumber() {
        MessageFormat f = linux.requireCommand("config_analog_in oid=%c pin=%u");
        assertEquals("config_analog_in oid=1 pin=?4294967264", f.message(1, -32).toString());
        assertEquals("config_analog_in oid=1 pin=?9999", f.message(1, 9999).toString());
        MessageFormat shutdown = linux.requireResponse("shutdown clock=%u static_string_id=%hu");
        assertEquals("shutdown clock=5 static_string_id=ADC out of range", shutdown.message(5, 27).toString());
    }

    @Test
    void aliasedPinsEncodeFromEveryNameAndDecodeToTheLastOne() {
        MessageFormat f = linux.requireCommand("config_digital_out oid=%c pin=%u value=%c default_value=%c max_duration=%u");
        Message a = f.message(11, "gpio17", 0, 0, 150000000);
        Message b = f.message(11, "gpiochip0/gpio17", 0, 0, 150000000);
        assertEquals(a, b);
        assertEquals("config_digital_out oid=11 pin=gpiochip0/gpio17 value=0 default_value=0 max_duration=150000000", a.toString());
    }

    @Test
    void namedConstructionChecksEveryParameter() {
        MessageFormat f = linux.requireCommand("queue_step oid=%c interval=%u count=%hu add=%hi");
        Message m = f.message(Map.of("oid", 2, "interval", 12500, "count", 200, "add", 0));
        assertEquals("queue_step oid=2 interval=12500 count=200 add=0", m.toString());
        assertThrows(EncodingException.class, () -> f.message(Map.of("oid", 2, "interval", 12500, "count", 200)));
        assertThrows(EncodingException.class, () -> f.message(Map.of("oid", 2, "interval", 1, "count", 2, "add", 0, "x", 1)));
        assertThrows(EncodingException.class, () -> f.message(256, 1, 1, 0));
        assertThrows(EncodingException.class, () -> f.message(1, 1, 70000, 0));
        var e = assertThrows(EncodingException.class, () -> linux.requireCommand("config_analog_in oid=%c pin=%u").message(1, "PF0"));
        assertEquals("Unknown value 'PF0' in enumeration 'pin'", e.getMessage());
    }

    @Test
    void buffersEncodeAsALengthByteAndRawBytes() {
        MessageFormat f = MessageFormat.parse(MessageFormat.Kind.COMMAND, 7, "debug_ping data=%*s", Map.of());
        PayloadWriter w = new PayloadWriter();
        f.message(new byte[] {1, 2, (byte) 0xff}).encode(w);
        assertEquals("07030102ff", w.toBytes().hex());
        assertEquals("debug_ping data=b'\\x01\\x02\\xff'", f.message(new byte[] {1, 2, (byte) 0xff}).toString());
    }

    @Test
    void outputFormatsRenderAsOutputLines() {
        MessageFormat f = MessageFormat.parse(MessageFormat.Kind.OUTPUT, 40, "at clock %u got %s (%hi)", Map.of());
        assertEquals(List.of("arg0", "arg1", "arg2"), f.params().stream().map(MessageFormat.Param::name).toList());
        assertEquals("#output at clock 7 got b'ok' (-3)", f.message(7, "ok".getBytes(), -3).toString());
    }

    @Test
    void rejectsFormatsItCannotParse() {
        assertThrows(DictionaryFormatException.class, () -> MessageFormat.parse(MessageFormat.Kind.COMMAND, 3, "x oid=%d", Map.of()));
        assertThrows(DictionaryFormatException.class, () -> MessageFormat.parse(MessageFormat.Kind.COMMAND, 3, "x %c", Map.of()));
        assertThrows(DictionaryFormatException.class, () -> MessageFormat.parse(MessageFormat.Kind.OUTPUT, 3, "100%% done", Map.of()));
    }

    @Test
    void truncatedParametersAreReportedWithTheirOffset() {
        MessageParser p = new MessageParser(linux);
        int id = linux.requireCommand("queue_step oid=%c interval=%u count=%hu add=%hi").id();
        PayloadWriter w = new PayloadWriter().writeVlq(id).writeVlq(2).writeVlq(12500);
        var e = assertThrows(MalformedPayloadException.class, () -> p.parse(w.toBytes()));
        assertEquals(0, e.payloadOffset());
        var unknown = assertThrows(MalformedPayloadException.class, () -> p.parse(Bytes.of((byte) 0x81, (byte) 0x16)));
        assertEquals("unknown message id 150 (payload byte 0)", unknown.getMessage());
    }
}
