package org.steptrace.sim;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.steptrace.firmware.McuTap;
import org.steptrace.firmware.board.BoardDefinition;
import org.steptrace.firmware.board.BoardLoader;
import org.steptrace.firmware.faults.Fault;
import org.steptrace.host.config.PrinterConfig;
import org.steptrace.host.mcu.McuConnection;
import org.steptrace.host.toolhead.LiveHost;

/**
 * Every fault kind is caught, on the side and within the bound the safety rules promise, over
 * twenty seeds (spread over the three boards); the same runs without the fault never trip.
 */
class ThermalFaultTest {
    static final double FAULT_AT_S = 30;
    static final String[] BOARDS = {"avr-cartesian", "arm-corexy", "arm-delta"};

    /** A fault, what runs while it strikes, how soon it must be caught and what the reason says. */
    record Case(String fault, String gcode, double boundS, String reasonPattern) {}

    static final List<Case> CASES = List.of(
            new Case("thermistor-open", "M104 S200", 4 * 0.3 + 1, "MCU shutdown: ADC out of range"),
            new Case("thermistor-short", "M104 S200", 4 * 0.3 + 1, "MCU shutdown: ADC out of range"),
            new Case("heater-dead", "M104 S200", 60, "Heater extruder not heating at expected rate"),
            new Case("heater-dead:heater_bed", "M140 S60", 120, "Heater heater_bed not heating at expected rate"),
            new Case("thermistor-detached", "M104 S200", 60, "Heater extruder not heating at expected rate"),
            new Case("thermistor-detached:heater_bed", "M140 S60", 120, "Heater heater_bed not heating at expected rate"),
            new Case("heater-stuck-on", "M104 S0", 120, "Heater extruder heating with its heater off.*|MCU shutdown: ADC out of range"),
            new Case("heater-stuck-on:heater_bed", "M140 S0", 120, "Heater heater_bed heating with its heater off.*|MCU shutdown: ADC out of range"),
            new Case("host-stall", "M104 S200", 3.0 + 0.5, "MCU shutdown: Missed scheduling of next digital out event"),
            new Case("link-drop", "M104 S200", 5, "Lost communication with MCU"));

    static Stream<Arguments> cases() {
        return CASES.stream().flatMap(c -> java.util.stream.IntStream.range(0, 20).mapToObj(seed -> Arguments.of(c, seed)));
    }

    /** Runs the case's G-code and then idles; returns the failure and when it was seen (MCU shutdowns: the MCU's clock). */
    private static Object[] run(Case c, int seed, boolean withFault) {
        String board = BOARDS[seed % 3];
        BoardDefinition def = BoardLoader.builtIn(board);
        if (withFault) {
            String[] kindHeater = c.fault().split(":");
            def = def.withFaults(List.of(Fault.parse(kindHeater[0] + "@" + FAULT_AT_S + (kindHeater.length > 1 ? ":" + kindHeater[1] : ""))));
        }
        double[] mcuShutdownS = {Double.NaN};
        int heaterPin = (int) (long) org.steptrace.protocol.Enumeration.fromDefinition("pin", def.mcu().pins())
                .valueOf(def.heaters().get(0).heaterPin()).orElseThrow();
        int[] heaterLevel = {0};
        McuTap tap = new McuTap() {
            @Override
            public void shutdown(long tick, String reason) {
                if (Double.isNaN(mcuShutdownS[0])) mcuShutdownS[0] = tick / BoardLoader.builtIn(board).mcu().clockFrequencyHz();
            }

            @Override
            public void digitalOut(long tick, int oid, int pin, int level) {
                if (pin == heaterPin) heaterLevel[0] = level;
            }
        };
        VirtualBench bench = new VirtualBench(def, seed, tap, (f, t) -> {});
        LiveHost host = LiveHost.start(bench.connection(), PrinterConfig.load(Path.of("boards", board + ".cfg")));
        try {
            host.run(List.of(c.gcode()), "fault.gcode");
            host.idle(FAULT_AT_S + c.boundS() + 30 - bench.nowS());
            return null;
        } catch (McuConnection.McuSessionException e) {
            double at = e.getMessage().startsWith("MCU shutdown") ? mcuShutdownS[0] : bench.nowS();
            // A host-side fault stops the MCU with an emergency stop: let it arrive.
            bench.runFor(0.5);
            return new Object[] {e.getMessage(), at, board, heaterLevel[0]};
        }
    }

    @ParameterizedTest(name = "{0} seed {1}")
    @MethodSource("cases")
    void eachFaultIsCaughtWithinItsBound(Case c, int seed) {
        Object[] failure = run(c, seed, true);
        assertNotNull(failure, c.fault() + " was never caught");
        String reason = (String) failure[0];
        double after = (double) failure[1] - FAULT_AT_S;
        assertTrue(reason.matches(c.reasonPattern()), failure[2] + ": " + reason);
        assertTrue(after >= 0 && after <= c.boundS(), failure[2] + ": " + reason + " caught " + after + " s after the fault, bound " + c.boundS());
        if (!c.fault().startsWith("heater-stuck-on")) {
            assertTrue((int) failure[3] == 0, failure[2] + ": the extruder heater is left off");
        }
    }

    @ParameterizedTest(name = "healthy {0} seed {1}")
    @MethodSource("cases")
    void theSameRunWithoutTheFaultNeverTrips(Case c, int seed) {
        Object[] failure = run(c, seed, false);
        assertNull(failure, () -> "tripped: " + java.util.Arrays.toString(failure));
    }
}
