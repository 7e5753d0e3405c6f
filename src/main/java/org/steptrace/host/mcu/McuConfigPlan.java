package org.steptrace.host.mcu;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.steptrace.host.config.HeaterSettings;
import org.steptrace.host.config.PinSpec;
import org.steptrace.host.config.PrinterConfig;
import org.steptrace.host.config.StepperSettings;
import org.steptrace.machine.Thermistor;
import org.steptrace.machine.ThermistorCircuit;
import org.steptrace.protocol.DataDictionary;

/**
 * The commands that configure an MCU for a printer config: oids, the config lines (whose CRC
 * goes with finalize_config) and the init lines sent after it. Objects take oids in the order a
 * reference host creates them (rails' endstop, trsync and stepper; the extruder stepper; the
 * bed heater; the rails' enable pins; the extruder heater; its enable pin) and are configured in
 * the order it registers them (bed heater; each rail with its enable; extruder heater; extruder
 * stepper and enable), so the lines, and so the CRC, equal the reference host's.
 */
public record McuConfigPlan(List<String> configLines, long crc, List<String> initLines, Map<String, Integer> oids) {
    /** A stepper's minimum step pulse: 2 µs. */
    static final double STEP_PULSE_S = 0.000002;
    /** Heaters: soft PWM that must be refreshed within 3 s. */
    public static final double MAX_HEAT_TIME_S = 3.0;
    public static final double ADC_SAMPLE_TIME_S = 0.001;
    public static final int ADC_SAMPLE_COUNT = 8;
    public static final double ADC_REPORT_TIME_S = 0.300;
    static final int ADC_RANGE_CHECK_COUNT = 4;
    static final double PWM_START_TIME_S = 0.200;

    /**
     * @param printTimeS the MCU's estimated print time now (0 when writing a file): init
     *                   commands are scheduled from it
     */
    public static McuConfigPlan build(PrinterConfig cfg, DataDictionary dict, double printTimeS) {
        double hz = dict.clockFrequencyHz();
        Map<String, Integer> oids = new LinkedHashMap<>();
        List<StepperSettings> rails = cfg.steppers();
        for (StepperSettings s : rails) {
            oids.put(s.name() + ".endstop", oids.size());
            oids.put(s.name() + ".trsync", oids.size());
            oids.put(s.name(), oids.size());
        }
        if (cfg.extruder() != null) oids.put("extruder", oids.size());
        if (cfg.heaterBed() != null) addHeaterOids(oids, "heater_bed");
        for (StepperSettings s : rails) {
            if (s.enablePin() != null) oids.put(s.name() + ".enable", oids.size());
        }
        if (cfg.extruder() != null) {
            addHeaterOids(oids, "extruder.heater");
            if (cfg.extruder().stepper().enablePin() != null) oids.put("extruder.enable", oids.size());
        }
        if (cfg.fan() != null) oids.put("fan.pwm", oids.size());

        List<String> lines = new ArrayList<>();
        List<String> init = new ArrayList<>();
        lines.add("allocate_oids count=" + oids.size());
        if (cfg.heaterBed() != null) heater(cfg.heaterBed(), "heater_bed", oids, dict, hz, printTimeS, lines, init);
        for (StepperSettings s : rails) {
            PinSpec endstop = s.rail().endstopPin();
            lines.add(check(dict, "config_endstop oid=%c pin=%c pull_up=%c",
                    "config_endstop oid=" + oids.get(s.name() + ".endstop") + " pin=" + endstop.name() + " pull_up=" + (endstop.pullup() ? 1 : 0)));
            lines.add(check(dict, "config_trsync oid=%c", "config_trsync oid=" + oids.get(s.name() + ".trsync")));
            lines.add(stepper(s, oids.get(s.name()), dict, hz));
            enable(s, s.name() + ".enable", oids, dict, lines);
        }
        if (cfg.extruder() != null) {
            heater(cfg.extruder().heater(), "extruder.heater", oids, dict, hz, printTimeS, lines, init);
            lines.add(stepper(cfg.extruder().stepper(), oids.get("extruder"), dict, hz));
            enable(cfg.extruder().stepper(), "extruder.enable", oids, dict, lines);
        }
        if (cfg.fan() != null) {
            // A fan may run on unattended: no max_duration, and it starts off.
            int fan = oids.get("fan.pwm");
            int off = cfg.fan().pin().invert() ? 1 : 0;
            lines.add(check(dict, "config_digital_out oid=%c pin=%u value=%c default_value=%c max_duration=%u",
                    "config_digital_out oid=" + fan + " pin=" + cfg.fan().pin().name() + " value=" + off + " default_value=" + off
                            + " max_duration=0"));
            lines.add(check(dict, "set_digital_out_pwm_cycle oid=%c cycle_ticks=%u",
                    "set_digital_out_pwm_cycle oid=" + fan + " cycle_ticks=" + (long) (cfg.fan().cycleTimeS() * hz)));
        }
        return new McuConfigPlan(List.copyOf(lines), ConfigCrc.of(lines), List.copyOf(init), Map.copyOf(oids));
    }

    private static void addHeaterOids(Map<String, Integer> oids, String name) {
        oids.put(name + ".adc", oids.size());
        oids.put(name + ".pwm", oids.size());
    }

    private static String stepper(StepperSettings s, int oid, DataDictionary dict, double hz) {
        return check(dict, "config_stepper oid=%c step_pin=%c dir_pin=%c invert_step=%c step_pulse_ticks=%u",
                "config_stepper oid=" + oid + " step_pin=" + s.stepPin().name() + " dir_pin=" + s.dirPin().name()
                        + " invert_step=" + (s.stepPin().invert() ? 1 : 0) + " step_pulse_ticks=" + (long) (STEP_PULSE_S * hz));
    }

    private static void enable(StepperSettings s, String key, Map<String, Integer> oids, DataDictionary dict, List<String> lines) {
        if (s.enablePin() == null) return;
        int off = s.enablePin().invert() ? 1 : 0;
        lines.add(check(dict, "config_digital_out oid=%c pin=%u value=%c default_value=%c max_duration=%u",
                "config_digital_out oid=" + oids.get(key) + " pin=" + s.enablePin().name() + " value=" + off
                        + " default_value=" + off + " max_duration=0"));
    }

    private static void heater(HeaterSettings h, String key, Map<String, Integer> oids, DataDictionary dict, double hz,
                               double printTimeS, List<String> lines, List<String> init) {
        int adc = oids.get(key + ".adc");
        int pwm = oids.get(key + ".pwm");
        lines.add(check(dict, "config_analog_in oid=%c pin=%u", "config_analog_in oid=" + adc + " pin=" + h.sensorPin().name()));
        // An inverted pin ('!') is off when high: it rests, and falls back, high.
        int off = h.heaterPin().invert() ? 1 : 0;
        lines.add(check(dict, "config_digital_out oid=%c pin=%u value=%c default_value=%c max_duration=%u",
                "config_digital_out oid=" + pwm + " pin=" + h.heaterPin().name() + " value=" + off + " default_value=" + off
                        + " max_duration=" + (long) (MAX_HEAT_TIME_S * hz)));
        lines.add(check(dict, "set_digital_out_pwm_cycle oid=%c cycle_ticks=%u",
                "set_digital_out_pwm_cycle oid=" + pwm + " cycle_ticks=" + (long) (h.pwmCycleTimeS() * hz)));

        // Sampling starts on a whole second, staggered by oid so sensors do not sample together.
        long clock = (long) ((long) (printTimeS + 1.5) * hz) + (long) (adc * 0.010 * hz);
        long adcMax = dict.configLong("ADC_MAX").orElseThrow(() -> new IllegalArgumentException("dictionary has no ADC_MAX"));
        ThermistorCircuit circuit = new ThermistorCircuit(Thermistor.named(h.sensorType()), h.pullupOhm(), h.inlineResistorOhm());
        double a = circuit.adcFraction(h.minTempC());
        double b = circuit.adcFraction(h.maxTempC());
        double scale = ADC_SAMPLE_COUNT * (double) adcMax;
        long min = Math.max(0, (long) Math.floor(Math.min(a, b) * scale));
        long max = Math.min(0xFFFF, (long) Math.ceil(Math.max(a, b) * scale));
        String common = "oid=" + adc + " clock=" + clock + " sample_ticks=" + (long) (ADC_SAMPLE_TIME_S * hz) + " sample_count="
                + ADC_SAMPLE_COUNT + " rest_ticks=" + (long) (ADC_REPORT_TIME_S * hz);
        String tail = " min_value=" + min + " max_value=" + max + " range_check_count=" + ADC_RANGE_CHECK_COUNT;
        String oldForm = "query_analog_in oid=%c clock=%u sample_ticks=%u sample_count=%c rest_ticks=%u min_value=%hu max_value=%hu range_check_count=%c";
        String newForm = "query_analog_in oid=%c clock=%u sample_ticks=%u sample_count=%c rest_ticks=%u bytes_per_report=%c min_value=%hu max_value=%hu range_check_count=%c";
        // A board's dictionary decides: the older pair when it has it, else one value per report.
        if (dict.byFormat(oldForm).isPresent()) init.add("query_analog_in " + common + tail);
        else init.add(check(dict, newForm, "query_analog_in " + common + " bytes_per_report=2" + tail));
        init.add(check(dict, "queue_digital_out oid=%c clock=%u on_ticks=%u",
                "queue_digital_out oid=" + pwm + " clock=" + (long) ((printTimeS + PWM_START_TIME_S) * hz) + " on_ticks="
                        + onTicks(0, (long) (h.pwmCycleTimeS() * hz), h.heaterPin().invert())));
    }

    /**
     * The on-time of a soft-PWM cycle for {@code duty} (0..1), as the pin sees it: rounded to the
     * nearest tick, and the complement on an inverted pin (high is off there).
     */
    public static long onTicks(double duty, long cycleTicks, boolean inverted) {
        long on = (long) (duty * cycleTicks + 0.5);
        return inverted ? cycleTicks - on : on;
    }

    /** The line, after checking the firmware offers that exact command. */
    private static String check(DataDictionary dict, String format, String line) {
        dict.requireCommand(format);
        return line;
    }

    /** Every line a host sends to configure: config, finalize, init. */
    public List<String> allLines() {
        List<String> all = new ArrayList<>(configLines);
        all.add(String.format(Locale.ROOT, "finalize_config crc=%d", crc));
        all.addAll(initLines);
        return all;
    }
}
