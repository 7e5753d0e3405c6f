package org.steptrace.host.mcu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.steptrace.host.config.PrinterConfig;
import org.steptrace.protocol.CommandText;
import org.steptrace.protocol.DataDictionary;
import org.steptrace.protocol.DictionaryFormatException;
import org.steptrace.protocol.Message;
import org.steptrace.testing.Fixtures;

class McuConfigPlanTest {
    @Test
    void configuresTheFixturePrinterExactlyAsTheReferenceHostDid() {
        PrinterConfig cfg = PrinterConfig.load(Fixtures.path("streams/linux-cartesian.cfg"));
        DataDictionary dict = Fixtures.linuxDictionary();
        McuConfigPlan plan = McuConfigPlan.build(cfg, dict, 0);
        assertEquals(171970567L, plan.crc());
        assertEquals("config_digital_out oid=11 pin=gpio17 value=0 default_value=0 max_duration=150000000", plan.configLines().get(2));
        // Encoded and decoded, the lines are the reference stream's first 26 messages.
        List<String> reference = Fixtures.text("streams/small-print.linuxprocess.dump.txt").lines().limit(26).toList();
        List<String> ours = plan.allLines().stream().map(l -> {
            Message m = CommandText.parse(dict, l);
            return m.toString();
        }).toList();
        assertEquals(reference, ours);
    }

    @Test
    void theAvrBoardsConfigUsesTheOlderAnalogQueryItsDictionaryOffers() {
        PrinterConfig cfg = PrinterConfig.load(Path.of("boards/avr-cartesian.cfg"));
        DataDictionary dict = org.steptrace.firmware.board.BoardLoaderAccess.emulatorDictionary("avr-cartesian");
        McuConfigPlan plan = McuConfigPlan.build(cfg, dict, 0);
        assertEquals("query_analog_in", plan.initLines().get(0).split(" ")[0]);
        assertEquals(-1, plan.initLines().get(0).indexOf("bytes_per_report"));
        for (String l : plan.allLines()) CommandText.parse(dict, l);
        assertEquals("config_stepper oid=2 step_pin=PF0 dir_pin=PF1 invert_step=0 step_pulse_ticks=32", plan.configLines().get(6));
    }

    @Test
    void anInvertedHeaterOrFanPinRestsHigh() throws Exception {
        String text = java.nio.file.Files.readString(Path.of("boards/avr-cartesian.cfg"))
                .replace("heater_pin: PB4", "heater_pin: !PB4").replace("pin: PH6", "pin: !PH6");
        PrinterConfig cfg = PrinterConfig.parse(text, "inverted.cfg");
        DataDictionary dict = org.steptrace.firmware.board.BoardLoaderAccess.emulatorDictionary("avr-cartesian");
        McuConfigPlan plan = McuConfigPlan.build(cfg, dict, 0);
        String heater = plan.configLines().stream().filter(l -> l.contains("pin=PB4")).findFirst().orElseThrow();
        String fan = plan.configLines().stream().filter(l -> l.contains("pin=PH6")).findFirst().orElseThrow();
        org.junit.jupiter.api.Assertions.assertTrue(heater.contains(" value=1 default_value=1 "), heater);
        org.junit.jupiter.api.Assertions.assertTrue(fan.contains(" value=1 default_value=1 "), fan);
        int pwm = plan.oids().get("extruder.heater.pwm");
        String off = plan.initLines().stream().filter(l -> l.startsWith("queue_digital_out oid=" + pwm + " ")).findFirst().orElseThrow();
        org.junit.jupiter.api.Assertions.assertTrue(off.endsWith(" on_ticks=1600000"), "off is high all cycle on an inverted pin: " + off);
    }

    @Test
    void aFirmwareWithoutACommandIsNamed() {
        PrinterConfig cfg = PrinterConfig.load(Fixtures.path("streams/linux-cartesian.cfg"));
        DataDictionary bare = DataDictionary.builder().command("allocate_oids count=%c").config("CLOCK_FREQ", 16000000).build();
        var e = assertThrows(DictionaryFormatException.class, () -> McuConfigPlan.build(cfg, bare, 0));
        assertEquals("firmware does not offer command 'config_analog_in oid=%c pin=%u'", e.getMessage());
    }
}
