package org.steptrace.firmware;

/**
 * An analog input sampled in cycles: sample_count conversions sample_ticks apart are summed and
 * reported every rest_ticks; sums outside [min, max] for range_check_count cycles in a row (0
 * acting as 1) shut the MCU down. Sampling goes on while shut down.
 */
final class AnalogIn implements McuObject {
    static void register(CommandRegistry r, Mcu mcu) {
        r.response("analog_in_state oid=%c next_clock=%u value=%hu");
        r.command("config_analog_in oid=%c pin=%u",
                m -> mcu.assignOid(m.getLong("oid"), new AnalogIn(mcu, (int) m.getLong("oid"), (int) m.getLong("pin"))));
        r.command("query_analog_in oid=%c clock=%u sample_ticks=%u sample_count=%c rest_ticks=%u min_value=%hu max_value=%hu range_check_count=%c",
                m -> mcu.lookup(m.getLong("oid"), AnalogIn.class).query(m.getLong("clock"), m.getLong("sample_ticks"),
                        (int) m.getLong("sample_count"), m.getLong("rest_ticks"), m.getLong("min_value"),
                        m.getLong("max_value"), (int) m.getLong("range_check_count")));
    }

    private final Mcu mcu;
    private final int oid;
    private final int pin;
    private final McuTimer timer;
    private long sampleTicks;
    private int sampleCount;
    private long restTicks;
    private long minValue;
    private long maxValue;
    private int rangeCheckCount;
    private long cycleStartTick;
    private int samples;
    private int sum;
    private int invalid;

    private AnalogIn(Mcu mcu, int oid, int pin) {
        this.mcu = mcu;
        this.oid = oid;
        this.pin = pin;
        this.timer = new McuTimer(mcu, this::sample);
    }

    private void query(long clock, long sampleTicks, int sampleCount, long restTicks, long min, long max, int rangeCheckCount) {
        mcu.cancelTimer(timer);
        this.sampleCount = sampleCount;
        if (sampleCount == 0) return;
        this.sampleTicks = sampleTicks;
        this.restTicks = restTicks;
        this.minValue = min;
        this.maxValue = max;
        this.rangeCheckCount = Math.max(1, rangeCheckCount);
        samples = 0;
        sum = 0;
        cycleStartTick = mcu.extendClock(clock);
        mcu.addTimer(timer, cycleStartTick);
    }

    private long sample(long nowTick) {
        sum += mcu.pins().readAdc(pin, nowTick);
        if (++samples < sampleCount) return nowTick + sampleTicks;
        int value = sum & 0xFFFF; // the firmware's sum is a 16-bit value
        long next = cycleStartTick + restTicks;
        samples = 0;
        sum = 0;
        cycleStartTick = next;
        if (value < minValue || value > maxValue) {
            if (++invalid >= rangeCheckCount) {
                invalid = 0;
                if (!mcu.isShutdown()) {
                    // The shutdown comes first; this cycle's report is never sent.
                    mcu.shutdown(ShutdownReason.ADC_OUT_OF_RANGE);
                    return next;
                }
            }
        } else {
            invalid = 0;
        }
        mcu.respond("analog_in_state", oid, next & 0xFFFFFFFFL, value);
        mcu.tap().analogReport(nowTick, oid, pin, value);
        return next;
    }

    @Override
    public void onShutdown() {
        // The firmware keeps sampling while shut down, so the host can still show temperatures.
    }
}
