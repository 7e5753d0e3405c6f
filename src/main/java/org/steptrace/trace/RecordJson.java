package org.steptrace.trace;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Turns records into trace lines: the one encoding of a record, used by the file writer and the
 * live stream alike. The frequent kinds are written field by field into a reused byte buffer,
 * without reflection and without allocating, since a trace is mostly these and recording must stay
 * cheap; the rare kinds (header, config, stats) go through the {@link Json} mapping. Fractional
 * numbers of the frequent kinds carry at most {@value #DECIMALS} decimals (a time in seconds resolves 1 ns), which also
 * spares traces the binary noise of shortest round-trip digits (0.00052, not 5.200000000000001E-4).
 * One instance per thread.
 */
final class RecordJson {
    static final int DECIMALS = 9;
    private static final long SCALE = 1_000_000_000L;
    /** From here on a number is written as Java prints a double: fixed decimals would only add digits it does not have. */
    private static final double FIXED_LIMIT = 1e9;

    // Field names as bytes, quoted and with their colon: a record's keys are copied, not encoded.
    private static final byte[] ACCEL_MM_PER_S2 = key("accel_mm_per_s2");
    private static final byte[] ADC_SUM = key("adc_sum");
    private static final byte[] ADD = key("add");
    private static final byte[] CLOCK = key("clock");
    private static final byte[] COUNT = key("count");
    private static final byte[] CRUISE_V_MM_PER_S = key("cruise_v_mm_per_s");
    private static final byte[] DIR = key("dir");
    private static final byte[] DIRECTION = key("direction");
    private static final byte[] DURATION_S = key("duration_s");
    private static final byte[] DUTY = key("duty");
    private static final byte[] END_MM = key("end_mm");
    private static final byte[] END_V_MM_PER_S = key("end_v_mm_per_s");
    private static final byte[] ESTIMATED_PRINT_TIME_S = key("estimated_print_time_s");
    private static final byte[] FIRST_CLOCK = key("first_clock");
    private static final byte[] FREQUENCY_HZ = key("frequency_hz");
    private static final byte[] HEATER = key("heater");
    private static final byte[] HOST_TIME_S = key("host_time_s");
    private static final byte[] INTERVAL = key("interval");
    private static final byte[] KIND = key("kind");
    private static final byte[] LAST_CLOCK = key("last_clock");
    private static final byte[] LATE_US = key("late_us");
    private static final byte[] LENGTH_BYTES = key("length_bytes");
    private static final byte[] LOAD_CLOCK = key("load_clock");
    private static final byte[] MCU_CLOCK = key("mcu_clock");
    private static final byte[] MESSAGES = key("messages");
    private static final byte[] OID = key("oid");
    private static final byte[] POSITION = key("position");
    private static final byte[] PRINT_TIME_S = key("print_time_s");
    private static final byte[] RECEIVE_TIME_S = key("receive_time_s");
    private static final byte[] SENT_TIME_S = key("sent_time_s");
    private static final byte[] SEQ = key("seq");
    private static final byte[] START_MM = key("start_mm");
    private static final byte[] START_V_MM_PER_S = key("start_v_mm_per_s");
    private static final byte[] STEP_CLOCKS = key("step_clocks");
    private static final byte[] STEPPER = key("stepper");
    private static final byte[] TARGET_C = key("target_c");
    private static final byte[] TEMPERATURE_C = key("temperature_c");
    private static final byte[] TIME_S = key("time_s");
    private static final byte[] TRUE_TEMPERATURE_C = key("true_temperature_c");
    private static final byte[] TYPE = key("type");

    private static final long[] POWERS_OF_TEN = new long[19];
    private static final byte[] DIGIT_PAIRS = new byte[200];

    static {
        POWERS_OF_TEN[0] = 1;
        for (int i = 1; i < POWERS_OF_TEN.length; i++) POWERS_OF_TEN[i] = POWERS_OF_TEN[i - 1] * 10;
        for (int i = 0; i < 100; i++) {
            DIGIT_PAIRS[2 * i] = (byte) ('0' + i / 10);
            DIGIT_PAIRS[2 * i + 1] = (byte) ('0' + i % 10);
        }
    }

    private final ObjectWriter mapped = Json.RECORD_WRITER;
    private byte[] buf = new byte[1024];
    private int len;
    private boolean firstField;

    /** Puts the line of {@code r}, without its newline, as UTF-8 in the buffer's first {@code len} bytes. */
    private void encode(TraceRecord r) {
        len = 0;
        if (r instanceof TraceRecord.Move m) {
            begin("move");
            number(PRINT_TIME_S, m.printTimeS());
            number(DURATION_S, m.durationS());
            number(START_V_MM_PER_S, m.startVMmPerS());
            number(CRUISE_V_MM_PER_S, m.cruiseVMmPerS());
            number(END_V_MM_PER_S, m.endVMmPerS());
            number(ACCEL_MM_PER_S2, m.accelMmPerS2());
            numbers(START_MM, m.startMm());
            numbers(END_MM, m.endMm());
        } else if (r instanceof TraceRecord.StepBatch b) {
            begin("step_batch");
            string(STEPPER, b.stepper());
            number(OID, b.oid());
            number(FIRST_CLOCK, b.firstClock());
            number(LAST_CLOCK, b.lastClock());
            number(INTERVAL, b.interval());
            number(COUNT, b.count());
            number(ADD, b.add());
            number(DIR, b.dir());
            if (b.stepClocks() != null) {
                name(STEP_CLOCKS);
                put('[');
                for (int i = 0; i < b.stepClocks().length; i++) {
                    if (i > 0) put(',');
                    integer(b.stepClocks()[i]);
                }
                put(']');
            }
        } else if (r instanceof TraceRecord.McuStepBatch b) {
            begin("mcu_step_batch");
            number(OID, b.oid());
            number(LOAD_CLOCK, b.loadClock());
            number(FIRST_CLOCK, b.firstClock());
            number(INTERVAL, b.interval());
            number(COUNT, b.count());
            number(ADD, b.add());
            number(DIR, b.dir());
        } else if (r instanceof TraceRecord.StepperStop s) {
            begin("mcu_stepper_stop");
            number(OID, s.oid());
            number(CLOCK, s.clock());
            number(POSITION, s.position());
        } else if (r instanceof TraceRecord.WireMessage w) {
            begin("message");
            string(DIRECTION, w.direction());
            string(KIND, w.kind());
            number(HOST_TIME_S, w.hostTimeS());
            if (w.seq() != null) number(SEQ, w.seq());
            number(LENGTH_BYTES, w.lengthBytes());
            if (w.messages() != null) strings(MESSAGES, w.messages());
        } else if (r instanceof TraceRecord.Thermal t) {
            begin("thermal");
            string(HEATER, t.heater());
            number(TIME_S, t.timeS());
            if (t.adcSum() != null) number(ADC_SUM, t.adcSum());
            if (t.temperatureC() != null) number(TEMPERATURE_C, t.temperatureC());
            if (t.targetC() != null) number(TARGET_C, t.targetC());
            if (t.duty() != null) number(DUTY, t.duty());
            if (t.trueTemperatureC() != null) number(TRUE_TEMPERATURE_C, t.trueTemperatureC());
        } else if (r instanceof TraceRecord.ClockSync c) {
            begin("clock_sync");
            number(SENT_TIME_S, c.sentTimeS());
            number(RECEIVE_TIME_S, c.receiveTimeS());
            number(MCU_CLOCK, c.mcuClock());
            number(FREQUENCY_HZ, c.frequencyHz());
            number(ESTIMATED_PRINT_TIME_S, c.estimatedPrintTimeS());
        } else if (r instanceof TraceRecord.Lateness l) {
            begin("lateness");
            number(CLOCK, l.clock());
            number(LATE_US, l.lateUs());
        } else {
            mapped(r);
            return;
        }
        put('}');
    }

    /** Writes {@code r}'s line and its newline to {@code out}. */
    void writeLine(TraceRecord r, OutputStream out) throws IOException {
        encode(r);
        put('\n');
        out.write(buf, 0, len);
    }

    /** {@code r}'s line as text, without its newline. */
    String line(TraceRecord r) {
        encode(r);
        return new String(buf, 0, len, StandardCharsets.UTF_8);
    }

    private void mapped(TraceRecord r) {
        try {
            byte[] b = mapped.writeValueAsBytes(r);
            ensure(b.length);
            System.arraycopy(b, 0, buf, len, b.length);
            len += b.length;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("record does not serialise: " + r, e);
        }
    }

    private static byte[] key(String name) {
        return ("\"" + name + "\":").getBytes(StandardCharsets.US_ASCII);
    }

    private void begin(String type) {
        put('{');
        firstField = true;
        string(TYPE, type);
    }

    private void name(byte[] key) {
        ensure(key.length + 1);
        if (!firstField) buf[len++] = ',';
        firstField = false;
        System.arraycopy(key, 0, buf, len, key.length);
        len += key.length;
    }

    private void string(byte[] name, String value) {
        name(name);
        if (value == null) ascii("null");
        else quoted(value);
    }

    private void strings(byte[] name, List<String> values) {
        name(name);
        put('[');
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) put(',');
            quoted(values.get(i));
        }
        put(']');
    }

    private void number(byte[] name, long value) {
        name(name);
        integer(value);
    }

    private void number(byte[] name, double value) {
        name(name);
        decimal(value);
    }

    private void numbers(byte[] name, double[] values) {
        if (values == null) return;
        name(name);
        put('[');
        for (int i = 0; i < values.length; i++) {
            if (i > 0) put(',');
            decimal(values[i]);
        }
        put(']');
    }

    private void integer(long v) {
        if (v == Long.MIN_VALUE) {
            ascii(Long.toString(v));
            return;
        }
        if (v < 0) {
            put('-');
            v = -v;
        }
        int width = 1;
        while (width < POWERS_OF_TEN.length && v >= POWERS_OF_TEN[width]) width++;
        padded(v, width);
    }

    private void decimal(double v) {
        if (!Double.isFinite(v)) {
            // JSON has no NaN or infinity: written as strings, as the mapping does.
            quoted(Double.toString(v));
            return;
        }
        if (Math.abs(v) >= FIXED_LIMIT) {
            ascii(Double.toString(v));
            return;
        }
        long scaled = Math.round(v * SCALE);
        if (scaled < 0) {
            put('-');
            scaled = -scaled;
        }
        integer(scaled / SCALE);
        put('.');
        long fraction = scaled % SCALE;
        if (fraction == 0) {
            put('0');
            return;
        }
        int width = DECIMALS;
        while (fraction % 10 == 0) {
            fraction /= 10;
            width--;
        }
        padded(fraction, width);
    }

    /** {@code v} (not negative, below 10^width) in exactly {@code width} digits, two at a time from the right. */
    private void padded(long v, int width) {
        ensure(width);
        int i = len + width;
        len = i;
        while (v >= 100) {
            int pair = (int) (v % 100) * 2;
            v /= 100;
            buf[--i] = DIGIT_PAIRS[pair + 1];
            buf[--i] = DIGIT_PAIRS[pair];
        }
        int last = (int) v;
        if (last >= 10) {
            buf[--i] = DIGIT_PAIRS[last * 2 + 1];
            buf[--i] = DIGIT_PAIRS[last * 2];
        } else {
            buf[--i] = (byte) ('0' + last);
        }
        while (i > len - width) buf[--i] = '0';
    }

    /** A JSON string: quotes, backslashes and control characters escaped, the rest as UTF-8. */
    private void quoted(String s) {
        ensure(s.length() * 6 + 2);
        buf[len++] = '"';
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                buf[len++] = '\\';
                buf[len++] = (byte) c;
            } else if (c < 0x20) {
                escapeControl(c);
            } else if (c < 0x80) {
                buf[len++] = (byte) c;
            } else {
                int cp = s.codePointAt(i);
                if (Character.isSupplementaryCodePoint(cp)) i++;
                // A lone surrogate has no UTF-8 form: it becomes the replacement character.
                utf8(Character.isSurrogate((char) cp) ? 0xFFFD : cp);
            }
        }
        buf[len++] = '"';
    }

    private void escapeControl(char c) {
        buf[len++] = '\\';
        switch (c) {
            case '\n' -> buf[len++] = 'n';
            case '\r' -> buf[len++] = 'r';
            case '\t' -> buf[len++] = 't';
            case '\b' -> buf[len++] = 'b';
            case '\f' -> buf[len++] = 'f';
            default -> {
                buf[len++] = 'u';
                buf[len++] = '0';
                buf[len++] = '0';
                buf[len++] = (byte) Character.forDigit(c >> 4, 16);
                buf[len++] = (byte) Character.forDigit(c & 0xF, 16);
            }
        }
    }

    private void utf8(int cp) {
        if (cp < 0x800) {
            buf[len++] = (byte) (0xC0 | cp >> 6);
        } else if (cp < 0x10000) {
            buf[len++] = (byte) (0xE0 | cp >> 12);
            buf[len++] = (byte) (0x80 | cp >> 6 & 0x3F);
        } else {
            buf[len++] = (byte) (0xF0 | cp >> 18);
            buf[len++] = (byte) (0x80 | cp >> 12 & 0x3F);
            buf[len++] = (byte) (0x80 | cp >> 6 & 0x3F);
        }
        buf[len++] = (byte) (0x80 | cp & 0x3F);
    }

    private void ascii(String s) {
        ensure(s.length());
        for (int i = 0; i < s.length(); i++) buf[len++] = (byte) s.charAt(i);
    }

    private void put(char c) {
        ensure(1);
        buf[len++] = (byte) c;
    }

    private void ensure(int more) {
        if (len + more > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
    }
}
