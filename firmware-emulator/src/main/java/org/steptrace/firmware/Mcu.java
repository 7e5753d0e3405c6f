package org.steptrace.firmware;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.steptrace.protocol.Bytes;
import org.steptrace.protocol.DataDictionary;
import org.steptrace.protocol.Enumeration;
import org.steptrace.protocol.MalformedPayloadException;
import org.steptrace.protocol.McuTransport;
import org.steptrace.protocol.Message;
import org.steptrace.protocol.MessageFormat;
import org.steptrace.protocol.PayloadReader;
import org.steptrace.protocol.PayloadWriter;

/**
 * The emulated MCU: the firmware's command set, oid table, move queue and shutdown rules on a
 * {@link Scheduler}. Bytes come in through {@link #receive}; time moves only through
 * {@link #advanceTo}, so the same core runs on virtual time (as fast as the CPU allows) or
 * paced against a monotonic clock. Not thread-safe: one thread drives it.
 */
public final class Mcu {
    /** Task-loop cost charged per timer dispatch and per command, for the stats message. */
    private static final double TASK_SECONDS = 2e-6;
    private static final double STATS_PERIOD_S = 5.0;

    private final McuSpec spec;
    private final PinIo pins;
    private final McuTap tap;
    private final DataDictionary dictionary;
    private final Map<MessageFormat, CommandRegistry.Command> handlers = new IdentityHashMap<>();
    private final Map<String, MessageFormat> responses = new LinkedHashMap<>();
    private final Scheduler scheduler = new Scheduler();
    private final McuTransport transport;
    private final PayloadWriter out = new PayloadWriter();

    private McuObject[] oids;
    private boolean finalized;
    private long configCrc;
    private int moveSlotsUsed;
    private String shutdownReason;
    private long commandsRun;
    private long statsTasksAtLastReport;
    private final McuTimer statsTimer;

    public Mcu(McuSpec spec, PinIo pins, McuTap tap, McuTransport.Output output) {
        this.spec = spec;
        this.pins = pins;
        this.tap = tap;
        CommandRegistry registry = new CommandRegistry();
        registerBase(registry);
        Stepper.register(registry, this);
        DigitalOut.register(registry, this);
        AnalogIn.register(registry, this);
        Endstop.register(registry, this);
        Trsync.register(registry, this);
        this.dictionary = buildDictionary(spec, registry);
        registry.commands().values().forEach(c -> handlers.put(dictionary.requireCommand(c.format()), c));
        registry.responses().forEach(r -> {
            MessageFormat f = dictionary.requireResponse(r);
            responses.put(f.name(), f);
        });
        this.transport = new McuTransport(output);
        this.statsTimer = new McuTimer(this, nowTick -> {
            sendStats();
            return nowTick + spec.ticks(STATS_PERIOD_S);
        });
        scheduler.add(statsTimer, spec.ticks(STATS_PERIOD_S));
    }

    private static DataDictionary buildDictionary(McuSpec spec, CommandRegistry registry) {
        DataDictionary.Builder b = DataDictionary.builder()
                .app("steptrace-emulator")
                .version("steptrace-emulator 0.1")
                .buildVersions("steptrace firmware emulator (Java)");
        registry.commands().keySet().forEach(b::command);
        registry.responses().forEach(b::response);
        b.config("CLOCK_FREQ", spec.clockFrequencyHz())
                .config("MCU", spec.chip())
                .config("ADC_MAX", spec.adcMax())
                .config("PWM_MAX", spec.pwmMax())
                .config("STATS_SUMSQ_BASE", 256);
        if (spec.serialBaud() > 0) b.config("SERIAL_BAUD", spec.serialBaud());
        if (spec.receiveWindowBytes() > 0) b.config("RECEIVE_WINDOW", spec.receiveWindowBytes());
        b.enumeration("pin", spec.pins());
        Map<String, Enumeration.EntryDefinition> strings = new LinkedHashMap<>();
        for (int i = 0; i < ShutdownReason.ALL.size(); i++) {
            strings.put(ShutdownReason.ALL.get(i), Enumeration.EntryDefinition.single(i + 2));
        }
        b.enumeration("static_string_id", strings);
        return b.build();
    }

    private void registerBase(CommandRegistry r) {
        r.response(DataDictionary.IDENTIFY_RESPONSE);
        r.response("starting");
        r.response("is_shutdown static_string_id=%hu");
        r.response("shutdown clock=%u static_string_id=%hu");
        r.response("stats count=%u sum=%u sumsq=%u");
        r.response("uptime high=%u clock=%u");
        r.response("clock clock=%u");
        r.response("config is_config=%c crc=%u is_shutdown=%c move_count=%hu");
        r.safeCommand(DataDictionary.IDENTIFY, m -> respond("identify_response",
                m.getLong("offset"), dictionary.identifyChunk(m.getLong("offset"), (int) m.getLong("count"))));
        r.safeCommand("get_clock", m -> respond("clock", nowTick() & 0xFFFFFFFFL));
        r.safeCommand("get_uptime", m -> respond("uptime", nowTick() >>> 32, nowTick() & 0xFFFFFFFFL));
        r.safeCommand("get_config", m -> respond("config", finalized ? 1 : 0, configCrc, isShutdown() ? 1 : 0,
                finalized ? spec.moveCount() : 0));
        r.command("allocate_oids count=%c", m -> {
            if (oids != null) throw new McuShutdown(ShutdownReason.OIDS_ALREADY_ALLOCATED);
            oids = new McuObject[(int) m.getLong("count")];
        });
        r.command("finalize_config crc=%u", m -> {
            if (finalized) throw new McuShutdown(ShutdownReason.ALREADY_FINALIZED);
            finalized = true;
            configCrc = m.getLong("crc");
        });
        r.safeCommand("emergency_stop", m -> {
            throw new McuShutdown(ShutdownReason.COMMAND_REQUEST);
        });
        r.safeCommand("clear_shutdown", m -> {
            if (!isShutdown()) throw new McuShutdown(ShutdownReason.SHUTDOWN_CLEARED_WHEN_NOT_SHUTDOWN);
            shutdownReason = null;
        });
        r.safeCommand("config_reset", m -> {
            if (!isShutdown()) throw new McuShutdown(ShutdownReason.CONFIG_RESET_NOT_SHUTDOWN);
            resetConfig();
        });
    }

    // ---- driving the MCU -------------------------------------------------------------------

    /** Feeds bytes that arrived on the link now; executes what they complete. */
    public void receive(byte[] data, int off, int len) {
        transport.receive(data, off, len, spec.seconds(nowTick()), this::executeBlock);
    }

    /** Runs every timer due up to {@code tick} and leaves the clock there. */
    public void advanceTo(long tick) {
        scheduler.runUntil(tick);
    }

    public long nowTick() {
        return scheduler.nowTick();
    }

    /** Tick of the next timer, or Long.MAX_VALUE. */
    public long nextWakeTick() {
        return scheduler.nextWakeTick();
    }

    private boolean executeBlock(Bytes payload) {
        PayloadReader reader = new PayloadReader(payload);
        try {
            while (reader.hasRemaining()) {
                Message m = nextCommand(reader);
                commandsRun++;
                CommandRegistry.Command c = handlers.get(m.format());
                if (isShutdown() && !c.runsInShutdown()) {
                    respond("is_shutdown", staticStringId(shutdownReason));
                    continue;
                }
                tap.commandExecuted(nowTick(), m);
                c.handler().handle(m);
            }
            return true;
        } catch (McuShutdown s) {
            shutdown(s.reason());
            return false;
        }
    }

    private Message nextCommand(PayloadReader reader) {
        int id;
        try {
            id = reader.readVlq();
        } catch (MalformedPayloadException e) {
            throw new McuShutdown(ShutdownReason.COMMAND_PARSER_ERROR);
        }
        MessageFormat f = dictionary.formatOrNull(id);
        if (f == null || !handlers.containsKey(f)) throw new McuShutdown(ShutdownReason.INVALID_COMMAND);
        try {
            return f.decode(reader);
        } catch (MalformedPayloadException e) {
            throw new McuShutdown(ShutdownReason.COMMAND_PARSER_ERROR);
        }
    }

    // ---- services for the MCU's objects ----------------------------------------------------

    public McuSpec spec() {
        return spec;
    }

    public PinIo pins() {
        return pins;
    }

    public McuTap tap() {
        return tap;
    }

    public DataDictionary dictionary() {
        return dictionary;
    }

    /** The 64-bit tick nearest to now whose low 32 bits are {@code clock}. */
    public long extendClock(long clock) {
        long now = nowTick();
        return now + (int) (clock - now);
    }

    /**
     * Schedules a timer as the firmware's sched_add_timer does: a wake time that is before every
     * pending timer and already past shuts down "Timer too close".
     */
    public void addTimer(Scheduler.Timer t, long wakeTick) {
        if (wakeTick < nowTick() && wakeTick < scheduler.nextWakeTick()) {
            tryShutdown(ShutdownReason.TIMER_TOO_CLOSE);
        }
        scheduler.add(t, wakeTick);
    }

    /** Moves a timer without the "Timer too close" check (the firmware's own reschedules). */
    public void rescheduleTimer(Scheduler.Timer t, long wakeTick) {
        scheduler.add(t, wakeTick);
    }

    public void cancelTimer(Scheduler.Timer t) {
        scheduler.cancel(t);
    }

    /** Takes a move-queue slot for a queued step or output event. */
    public void useMoveSlot() {
        if (!finalized || moveSlotsUsed >= spec.moveCount()) throw new McuShutdown(ShutdownReason.MOVE_QUEUE_OVERFLOW);
        moveSlotsUsed++;
    }

    public void freeMoveSlots(int n) {
        moveSlotsUsed -= n;
    }

    public int moveSlotsUsed() {
        return moveSlotsUsed;
    }

    /** Places a newly configured object at {@code oid}. */
    public void assignOid(long oid, McuObject object) {
        if (oids == null || finalized || oid < 0 || oid >= oids.length || oids[(int) oid] != null) {
            throw new McuShutdown(ShutdownReason.CANT_ASSIGN_OID);
        }
        oids[(int) oid] = object;
    }

    /** The object at {@code oid}, which must be of {@code type}. */
    public <T extends McuObject> T lookup(long oid, Class<T> type) {
        if (oids == null || oid < 0 || oid >= oids.length || !type.isInstance(oids[(int) oid])) {
            throw new McuShutdown(ShutdownReason.INVALID_OID_TYPE);
        }
        return type.cast(oids[(int) oid]);
    }

    /** Sends a response by name, values in parameter order. */
    public void respond(String name, Object... values) {
        MessageFormat f = responses.get(name);
        if (f == null) throw new IllegalStateException("no response '" + name + "'");
        Message m = f.message(values);
        out.reset();
        m.encode(out);
        tap.responseSent(nowTick(), m);
        transport.send(out.toBytes());
    }

    public boolean isShutdown() {
        return shutdownReason != null;
    }

    public String shutdownReason() {
        return shutdownReason;
    }

    /** A shutdown that is ignored when already shut down (the firmware's try_shutdown). */
    public void tryShutdown(String reason) {
        if (!isShutdown()) throw new McuShutdown(reason);
    }

    /**
     * Shuts down: keeps the first reason, runs every object's shutdown handler and sends
     * {@code shutdown} with the time this shutdown began and the first reason. Soft reasons are
     * ignored while already shut down.
     */
    public void shutdown(String reason) {
        long tick = nowTick();
        if (isShutdown()) {
            if (ShutdownReason.isSoft(reason)) return;
        } else {
            shutdownReason = reason;
            tap.shutdown(tick, reason);
        }
        if (oids != null) {
            for (McuObject o : oids) {
                if (o != null) o.onShutdown();
            }
        }
        respond("shutdown", tick & 0xFFFFFFFFL, staticStringId(shutdownReason));
    }

    private long staticStringId(String reason) {
        return dictionary.enumeration("static_string_id").orElseThrow().valueOf(reason).orElseThrow();
    }

    private void resetConfig() {
        if (oids != null) {
            for (McuObject o : oids) {
                if (o != null) o.onShutdown();
            }
        }
        scheduler.clear();
        scheduler.add(statsTimer, nowTick() + spec.ticks(STATS_PERIOD_S));
        oids = null;
        finalized = false;
        configCrc = 0;
        moveSlotsUsed = 0;
        shutdownReason = null;
        transport.reset();
    }

    private void sendStats() {
        long tasks = scheduler.dispatched() + commandsRun;
        long count = Math.max(1, tasks - statsTasksAtLastReport);
        statsTasksAtLastReport = tasks;
        long perTask = Math.max(1, spec.ticks(TASK_SECONDS));
        long sum = count * perTask;
        long sumsq = Math.min(0xFFFFFFFFL, count * ((perTask * perTask + 255) / 256));
        respond("stats", count & 0xFFFFFFFFL, sum & 0xFFFFFFFFL, sumsq);
    }

    /** Objects configured so far, for tests and traces. */
    public List<McuObject> objects() {
        List<McuObject> list = new ArrayList<>();
        if (oids != null) {
            for (McuObject o : oids) {
                if (o != null) list.add(o);
            }
        }
        return list;
    }

    /** Step pulses issued by every stepper since configuration. */
    public long stepsTaken() {
        long n = 0;
        if (oids != null) {
            for (McuObject o : oids) {
                if (o instanceof Stepper s) n += s.stepsTaken();
            }
        }
        return n;
    }

    public long naksSent() {
        return transport.naksSent();
    }
}
