package org.steptrace.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.steptrace.firmware.McuTap;
import org.steptrace.firmware.board.BoardDefinition;
import org.steptrace.firmware.board.BoardLoader;
import org.steptrace.host.config.PrinterConfig;
import org.steptrace.host.mcu.McuConfigPlan;
import org.steptrace.host.mcu.McuConnection;
import org.steptrace.protocol.DataDictionary;
import org.steptrace.protocol.Message;

/** The host's MCU session against each built-in emulated board, in process on virtual time. */
class VirtualBenchTest {
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"avr-cartesian", "arm-corexy", "arm-delta"})
    void identifiesAndConfiguresEachBuiltInBoard(String name) {
        BoardDefinition def = BoardLoader.builtIn(name);
        VirtualBench bench = new VirtualBench(def, 3, McuTap.NONE, (f, t) -> {});
        McuConnection conn = bench.connection();
        List<Message> analog = new ArrayList<>();
        conn.onMessage("analog_in_state", analog::add);

        DataDictionary dict = conn.identify();
        assertEquals(def.mcu().clockFrequencyHz(), dict.clockFrequencyHz());
        PrinterConfig cfg = PrinterConfig.load(Path.of("boards", name + ".cfg"));
        McuConfigPlan plan = McuConfigPlan.build(cfg, dict, bench.nowS());
        assertEquals(McuConnection.ConfigOutcome.SENT, conn.configure(plan));
        assertEquals(def.mcu().moveCount(), conn.moveCount());

        // The init commands started the heaters' sensors: reports arrive every 0.3 s with room-temperature sums.
        bench.runFor(3);
        assertTrue(analog.size() >= 2 * 5, analog.size() + " reports");
        assertTrue(bench.mcu().shutdownReason() == null, "no shutdown: " + bench.mcu().shutdownReason());

        // A host that reconnects with the same config (its init commands planned anew) leaves the MCU
        // as it is; a different config needs a firmware restart.
        assertEquals(McuConnection.ConfigOutcome.ALREADY_CONFIGURED, conn.configure(McuConfigPlan.build(cfg, dict, bench.nowS())));
        McuConfigPlan other = McuConfigPlan.build(PrinterConfig.parse(withOtherEnableSense(name), "other.cfg"), dict, bench.nowS());
        var e = assertThrows(McuConnection.McuSessionException.class, () -> conn.configure(other));
        assertTrue(e.getMessage().contains("firmware restart"), e.getMessage());
        assertEquals(null, conn.shutdownReason());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"avr-cartesian"})
    void aShutdownWhileWaitingEndsTheQueryWithItsReason(String name) {
        VirtualBench bench = new VirtualBench(BoardLoader.builtIn(name), 3, McuTap.NONE, (f, t) -> {});
        McuConnection conn = bench.connection();
        conn.identify();
        conn.send("emergency_stop");
        var e = assertThrows(McuConnection.McuSessionException.class, () -> conn.query("get_uptime", m -> m.name().equals("uptime")));
        assertEquals("MCU shutdown: Command request", e.getMessage());
    }

    /** The board's config with a different enable-pin sense: the same objects, another CRC. */
    private static String withOtherEnableSense(String name) {
        try {
            String text = java.nio.file.Files.readString(Path.of("boards", name + ".cfg"));
            return text.replaceFirst("enable_pin: !", "enable_pin: ");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
