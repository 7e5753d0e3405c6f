package org.steptrace.host.mcu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.steptrace.testing.Fixtures;

class McuSyncTest {
    @Test
    void configCrcCoversTheConfigTextAsTheConfigSpellsPins() {
        assertEquals(3912464276L, ConfigCrc.of(List.of("allocate_oids count=0")));
        // The fixture's config lines, as its decoder prints them and as the host wrote them.
        List<String> decoded = new ArrayList<>();
        for (String line : Fixtures.text("streams/small-print.linuxprocess.dump.txt").lines().toList()) {
            if (line.startsWith("finalize_config")) break;
            decoded.add(line);
        }
        assertEquals(21, decoded.size());
        assertEquals(26626033L, ConfigCrc.of(decoded));
        List<String> asConfigured = decoded.stream().map(l -> l.replaceAll("gpiochip0/gpio(\\d+)", "gpio$1")).toList();
        assertEquals(171970567L, ConfigCrc.of(asConfigured), "the CRC the reference host sent");
    }

    @Test
    void clockSyncFindsTheMcuFrequencyAndOffset() {
        double trueHz = 16_000_400; // 25 ppm fast
        double offsetTicks = 123_456_789;
        SplittableRandom r = new SplittableRandom(5);
        ClockSync sync = new ClockSync(16_000_000);
        double t = 10.0;
        sync.start((long) (offsetTicks + t * trueHz), t);
        for (int i = 0; i < 8; i++) { // start-up: 8 clocks 50 ms apart
            t += 0.05;
            sync.forgetLastPrediction();
            query(sync, r, t, trueHz, offsetTicks);
        }
        for (int i = 0; i < 300; i++) {
            t += 0.9839;
            query(sync, r, t, trueHz, offsetTicks);
        }
        assertEquals(trueHz, sync.frequencyHz(), 16_000_000 * 2e-6, "within 2 ppm");
        // Samples are stamped when the request left, so the raw estimate trails by the one-way
        // delay (about 100 us here); the print-time estimate takes half the best round trip off.
        double truth = offsetTicks + t * trueHz;
        assertEquals(truth, sync.clockAt(t), 16 * 200, "within 200 us");
        assertEquals(truth, sync.estimatedPrintTime(t) * 16_000_000, 16 * 100, "within 100 us");
    }

    @Test
    void oneWildSampleDoesNotDisturbTheEstimate() {
        double hz = 50_000_000;
        SplittableRandom r = new SplittableRandom(9);
        ClockSync sync = new ClockSync(hz);
        double t = 1;
        sync.start((long) (t * hz), t);
        for (int i = 0; i < 100; i++) {
            t += 0.9839;
            query(sync, r, t, hz, 0);
        }
        double before = sync.clockAt(t + 1);
        t += 0.9839;
        sync.sample((long) ((t + 0.2) * hz) & 0xFFFFFFFFL, t, t + 0.0001); // answered 200 ms "late"
        assertEquals(before, sync.clockAt(t + 1 - 0.9839), hz * 0.0005, "the outlier was dropped");
    }

    @Test
    void thirtyTwoBitClocksExtendAcrossTheWrap() {
        ClockSync sync = new ClockSync(16_000_000);
        sync.start(0xFFFF_FF00L, 0);
        assertEquals(0x1_0000_0010L, sync.extend(0x10));
        assertEquals(0xFFFF_FE00L, sync.extend(0xFFFF_FE00L));
    }

    /** The MCU answers 50-150 µs after the request finished; the answer takes as long back. */
    private static void query(ClockSync sync, SplittableRandom r, double sentS, double hz, double offset) {
        double atMcu = sentS + 50e-6 + r.nextDouble() * 100e-6;
        long clock = (long) (offset + atMcu * hz);
        sync.sample(clock & 0xFFFFFFFFL, sentS, atMcu + 50e-6 + r.nextDouble() * 100e-6);
    }
}
