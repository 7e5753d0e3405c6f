package org.steptrace.firmware.gpio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.spi.Spi;
import com.pi4j.io.spi.SpiConfig;
import com.pi4j.plugin.mock.platform.MockPlatform;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInput;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInputProvider;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalOutputProvider;
import com.pi4j.plugin.mock.provider.spi.MockSpi;
import com.pi4j.plugin.mock.provider.spi.MockSpiProviderImpl;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.steptrace.firmware.McuTap;
import org.steptrace.firmware.board.BoardLoader;
import org.steptrace.firmware.board.GpioBoardSpec;
import org.steptrace.host.mcu.McuConnection;
import org.steptrace.protocol.Message;
import org.steptrace.sim.VirtualBench;

/** The GPIO board on Pi4J's mock platform, with a simulated MCP3008 behind the SPI mock. */
class GpioBoardTest {
    /** An MCP3008 whose eight inputs the test sets. */
    static final class SimulatedMcp3008 extends MockSpiProviderImpl {
        final int[] volts1023 = new int[8];
        final AtomicInteger conversions = new AtomicInteger();

        @Override
        public Spi create(SpiConfig config) {
            return new MockSpi(this, config) {
                @Override
                public int transfer(byte[] write, int writeOffset, byte[] read, int readOffset, int length) {
                    byte[] req = java.util.Arrays.copyOfRange(write, writeOffset, writeOffset + length);
                    int ch = Mcp3008.channelOf(req);
                    byte[] reply = Mcp3008.reply(ch < 0 ? 0 : volts1023[ch]);
                    System.arraycopy(reply, 0, read, readOffset, Math.min(length, reply.length));
                    conversions.incrementAndGet();
                    return length;
                }
            };
        }
    }

    @Test
    void theFirmwareDrivesAndReadsThePisPins() {
        GpioBoardSpec spec = BoardLoader.loadGpio(Path.of("boards", "pi-gpio-cartesian.json"));
        SimulatedMcp3008 adc = new SimulatedMcp3008();
        adc.volts1023[0] = 612;
        adc.volts1023[1] = 955;
        Context pi4j = Pi4J.newContextBuilder().add(new MockPlatform())
                .add(MockDigitalInputProvider.newInstance(), MockDigitalOutputProvider.newInstance(), adc).build();
        try {
            VirtualBench bench = new VirtualBench(spec.mcu(), out -> new GpioBoard(spec, pi4j, McuTap.NONE, out));
            McuConnection conn = bench.connection();
            conn.identify();
            for (String c : new String[] {"allocate_oids count=4",
                "config_digital_out oid=0 pin=PB4 value=0 default_value=0 max_duration=0",
                "config_endstop oid=1 pin=PE5 pull_up=1",
                "config_analog_in oid=2 pin=PK5",
                "config_stepper oid=3 step_pin=PF0 dir_pin=PF1 invert_step=0 step_pulse_ticks=32",
                "finalize_config crc=0"}) {
                conn.send(c);
            }
            bench.runFor(0.05);
            long hz = spec.mcu().clockFrequencyHz();

            // A queued output reaches the heater's GPIO (BCM 18) at its clock.
            DigitalOutput heater = pi4j.io("PB4");
            conn.send("queue_digital_out oid=0 clock=" + (long) (bench.nowS() * hz + 0.05 * hz) + " on_ticks=1");
            bench.runFor(0.01);
            assertEquals(DigitalState.LOW, heater.state(), "not yet");
            bench.runFor(0.1);
            assertEquals(DigitalState.HIGH, heater.state());
            assertEquals(18, heater.address().intValue());

            // The endstop reads its GPIO (BCM 23).
            Message open = conn.query("endstop_query_state oid=1", m -> m.name().equals("endstop_state"));
            assertEquals(0, open.getLong("pin_value"));
            ((MockDigitalInput) pi4j.io("PE5")).mockState(DigitalState.HIGH);
            Message closed = conn.query("endstop_query_state oid=1", m -> m.name().equals("endstop_state"));
            assertEquals(1, closed.getLong("pin_value"));

            // The thermistor reads through the MCP3008: 8 samples summed.
            java.util.List<Message> reports = new java.util.ArrayList<>();
            conn.onMessage("analog_in_state", reports::add);
            conn.send("query_analog_in oid=2 clock=" + (long) (bench.nowS() * hz + 0.01 * hz) + " sample_ticks=" + hz / 1000
                    + " sample_count=8 rest_ticks=" + (long) (0.3 * hz) + " min_value=0 max_value=8184 range_check_count=4");
            bench.runFor(0.5);
            assertTrue(!reports.isEmpty(), "a report");
            assertEquals(8 * 612, reports.get(0).getLong("value"));
            assertTrue(adc.conversions.get() >= 8);

            // Steps pulse the step GPIO (BCM 17) once each; the direction GPIO follows.
            DigitalOutput step = null;
            AtomicInteger rising = new AtomicInteger();
            conn.send("set_next_step_dir oid=3 dir=1");
            conn.send("queue_step oid=3 interval=" + (long) (bench.nowS() * hz + 0.02 * hz) + " count=1 add=0");
            bench.runFor(0.05);
            step = pi4j.io("PF0");
            step.addListener(e -> {
                if (e.state() == DigitalState.HIGH) rising.incrementAndGet();
            });
            // The first step is long past: count from a fresh reference clock.
            conn.send("reset_step_clock oid=3 clock=" + (long) (bench.nowS() * hz + 0.01 * hz));
            conn.send("queue_step oid=3 interval=" + hz / 1000 + " count=25 add=0");
            bench.runFor(0.1);
            assertEquals(26, conn.query("stepper_get_position oid=3", m -> m.name().equals("stepper_position")).getLong("pos"));
            // Pi4J hands state events to listeners on its own thread: give them a moment.
            for (int i = 0; i < 200 && rising.get() < 25; i++) sleep();
            assertEquals(25, rising.get());
            assertEquals(DigitalState.HIGH, ((DigitalOutput) pi4j.io("PF1")).state());
            assertEquals(null, bench.mcu().shutdownReason());
        } finally {
            pi4j.shutdown();
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
