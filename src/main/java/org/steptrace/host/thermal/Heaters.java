package org.steptrace.host.thermal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.steptrace.host.config.HeaterSettings;
import org.steptrace.host.config.PrinterConfig;
import org.steptrace.host.mcu.ClockSync;
import org.steptrace.host.mcu.CommandQueue;
import org.steptrace.host.mcu.McuCommands;
import org.steptrace.host.mcu.McuConfigPlan;
import org.steptrace.host.mcu.McuConnection;
import org.steptrace.host.mcu.Outgoing;
import org.steptrace.machine.Thermistor;
import org.steptrace.machine.ThermistorCircuit;
import org.steptrace.protocol.Bytes;
import org.steptrace.protocol.Message;
import org.steptrace.trace.TraceRecord;
import org.steptrace.trace.TraceSink;

/**
 * The printer's heaters on a live MCU: temperature reports feed each heater's control, duties
 * go out as timed PWM updates, and once a second every heater is checked for runaway (not
 * heating as it should, or hot above target with its heater off). A fault shuts the heaters
 * off, stops the MCU and ends the session with the heater's name and the reason.
 */
public final class Heaters {
    /** A reading older than this counts as 0 °C for the runaway check (the sensor went quiet). */
    static final double STALE_READING_S = 7.0;
    /** Readings are dated at the end of their sampling burst: 8 samples 1 ms apart. */
    static final double SAMPLE_BURST_S = McuConfigPlan.ADC_SAMPLE_COUNT * McuConfigPlan.ADC_SAMPLE_TIME_S;

    private record Entry(Heater heater, VerifyHeater verify, int adcOid, int pwmOid) {}

    private final McuConnection connection;
    private final ClockSync sync;
    private final CommandQueue commands;
    private final McuCommands cmd;
    private final TraceSink trace;
    private final double clockHz;
    private final double adcScale;
    private final long restTicks;
    private final Map<String, Entry> byName = new LinkedHashMap<>();
    private final Map<Integer, Entry> byAdcOid = new HashMap<>();
    private final Map<Integer, Long> lastPwmClock = new HashMap<>();
    private String fault;

    public Heaters(McuConnection connection, ClockSync sync, CommandQueue commands, McuConfigPlan plan, PrinterConfig config,
                   TraceSink trace) {
        this.connection = connection;
        this.sync = sync;
        this.commands = commands;
        this.trace = trace;
        var dict = connection.dictionary();
        this.cmd = new McuCommands(dict);
        this.clockHz = dict.clockFrequencyHz();
        this.adcScale = McuConfigPlan.ADC_SAMPLE_COUNT * (double) dict.configLong("ADC_MAX").orElse(1023L);
        this.restTicks = (long) (McuConfigPlan.ADC_REPORT_TIME_S * clockHz);
        if (config.extruder() != null) add(config.extruder().heater(), "extruder", "extruder.heater", plan);
        if (config.heaterBed() != null) add(config.heaterBed(), "heater_bed", "heater_bed", plan);
        connection.onMessage("analog_in_state", this::report);
        connection.onMessage("shutdown", m -> byName.values().forEach(e -> e.heater().shutdown()));
        connection.timers().every(connection.nowS() + 1, 1, this::verify);
    }

    private void add(HeaterSettings s, String name, String key, McuConfigPlan plan) {
        ThermistorCircuit circuit = new ThermistorCircuit(Thermistor.named(s.sensorType()), s.pullupOhm(), s.inlineResistorOhm());
        TemperatureControl control = s.control().equals("pid")
                ? new PidControl(s.pidKp(), s.pidKi(), s.pidKd(), s.maxPower(), s.smoothTimeS())
                : new BangBangControl(s.maxDeltaC(), s.maxPower());
        int pwmOid = plan.oids().get(key + ".pwm");
        long cycleTicks = (long) (s.pwmCycleTimeS() * clockHz);
        Heater h = new Heater(name, circuit, s.maxPower(), s.smoothTimeS(), control, (atS, duty) -> {
            long clock = (long) (atS * clockHz);
            long onTicks = McuConfigPlan.onTicks(duty, cycleTicks, s.heaterPin().invert());
            commands.add(new Outgoing(cmd.queueDigitalOut(pwmOid, clock, onTicks), lastPwmClock.getOrDefault(pwmOid, 0L), clock));
            lastPwmClock.put(pwmOid, clock);
        });
        Entry e = new Entry(h, VerifyHeater.defaults(name), plan.oids().get(key + ".adc"), pwmOid);
        byName.put(name, e);
        byAdcOid.put(e.adcOid(), e);
    }

    /** A temperature report, in either of the two report forms a firmware may have. */
    private void report(Message m) {
        Entry e = byAdcOid.get(m.getInt("oid"));
        if (e == null) return;
        long next = sync.extend(m.getLong("next_clock"));
        List<Long> sums = new ArrayList<>();
        if (m.has("value")) {
            sums.add(m.getLong("value"));
        } else {
            Bytes b = m.getBytes("values");
            for (int i = 0; i + 1 < b.size(); i += 2) sums.add((long) (b.get(i) | (b.get(i + 1) << 8)));
        }
        for (int i = 0; i < sums.size(); i++) {
            double readS = (next - (long) (sums.size() - i) * restTicks) / clockHz + SAMPLE_BURST_S;
            Heater h = e.heater();
            h.reading(readS, sums.get(i) / adcScale);
            if (trace.enabled()) {
                trace.record(new TraceRecord.Thermal(h.name(), readS, sums.get(i).intValue(), h.temperatureC(), h.targetC(),
                        h.commandedDuty(), null));
            }
        }
    }

    private void verify() {
        if (fault != null) return;
        double now = connection.nowS();
        double printNow = sync.estimatedPrintTime(now);
        for (Entry e : byName.values()) {
            Heater h = e.heater();
            double temp = Double.isNaN(h.temperatureC()) || printNow - h.lastReadS() > STALE_READING_S ? 0 : h.temperatureC();
            String f = e.verify().check(now, temp, h.targetC());
            if (f == null) f = h.overTemperatureFault();
            if (f != null) {
                shutdown(f);
                return;
            }
        }
    }

    /** A host-side fault: every heater off, the MCU stopped, the session ended with {@code reason}. */
    private void shutdown(String reason) {
        fault = reason;
        byName.values().forEach(e -> e.heater().shutdown());
        if (trace.enabled()) trace.record(new TraceRecord.Shutdown("host", reason, null, connection.nowS()));
        connection.fail(reason);
        connection.send("emergency_stop");
    }

    /** The heater named as the printer config names it ("extruder", "heater_bed"). */
    public Heater heater(String name) {
        Entry e = byName.get(name);
        if (e == null) throw new IllegalArgumentException("no heater '" + name + "' in this printer");
        return e.heater();
    }

}
