package org.steptrace.firmware.board;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.ByteArrayOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.steptrace.firmware.McuTap;
import org.steptrace.firmware.faults.Fault;

/** A virtual-time run is reproducible from its seed, byte for byte; another seed differs. */
class DeterminismTest {
    private static byte[] run(long seed) {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        BoardDefinition def = BoardLoader.builtIn("arm-delta").withFaults(List.of(Fault.parse("heater-dead@2")));
        EmulatedBoard[] board = new EmulatedBoard[1];
        var host = new org.steptrace.firmware.VirtualHostAccess(def.mcu(), out -> {
            board[0] = new EmulatedBoard(def, seed, McuTap.NONE, bytes -> {
                wire.writeBytes(bytes);
                out.write(bytes);
            }, (f, t) -> {});
            return board[0].mcu();
        });
        host.identify();
        host.send("allocate_oids count=3", "config_analog_in oid=0 pin=PB8", "config_analog_in oid=1 pin=PB9",
                "config_digital_out oid=2 pin=PA13 value=0 default_value=0 max_duration=360000000",
                "set_digital_out_pwm_cycle oid=2 cycle_ticks=12000000", "finalize_config crc=0");
        host.runFor(0.1);
        long t = host.nowTick() + 12_000_000;
        host.send("query_analog_in oid=0 clock=" + t + " sample_ticks=120000 sample_count=8 rest_ticks=36000000 min_value=0 max_value=32760 range_check_count=4",
                "query_analog_in oid=1 clock=" + (t + 1_200_000) + " sample_ticks=120000 sample_count=8 rest_ticks=36000000 min_value=0 max_value=32760 range_check_count=4",
                "queue_digital_out oid=2 clock=" + t + " on_ticks=6000000");
        host.runFor(4);
        return wire.toByteArray();
    }

    @Test
    void sameSeedSameBytes() {
        byte[] a = run(99);
        assertArrayEquals(a, run(99));
        assertFalse(java.util.Arrays.equals(a, run(100)), "the seed drives the sensor noise");
    }
}
