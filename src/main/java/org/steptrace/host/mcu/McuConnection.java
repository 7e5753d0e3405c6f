package org.steptrace.host.mcu;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.steptrace.protocol.Bytes;
import org.steptrace.protocol.CommandText;
import org.steptrace.protocol.DataDictionary;
import org.steptrace.protocol.HostTransport;
import org.steptrace.protocol.IdentifyAssembler;
import org.steptrace.protocol.Message;
import org.steptrace.protocol.MessageParser;
import org.steptrace.protocol.PayloadWriter;
import org.steptrace.protocol.QueryRetry;

/**
 * A host's session with one MCU over a {@link HostTransport}: queries that are asked again when
 * their answers are lost, the identify download of the board's own dictionary, handlers for
 * unsolicited messages, and the config phase (send the config unless the MCU already has one with
 * the same CRC). Time and bytes are the {@link Driver}'s: virtual in process, or a real link.
 */
public final class McuConnection {
    /** The world around the connection: what time it is, and a way to let time pass. */
    public interface Driver {
        double nowS();

        /** Lets bytes flow and time pass until {@code done} holds or the time reaches {@code limitS}. */
        void runUntil(BooleanSupplier done, double limitS);
    }

    /** How long a query may take before the connection gives up on the MCU. */
    static final double QUERY_TIMEOUT_S = 5.0;

    private final HostTransport transport;
    private final Driver driver;
    private final List<QueryRetry> queries = new ArrayList<>();
    private final Map<String, List<Consumer<Message>>> handlers = new HashMap<>();
    private final List<Consumer<Message>> anyHandlers = new ArrayList<>();
    private final Map<String, List<Consumer<Arrival>>> arrivalHandlers = new HashMap<>();
    private final Map<QueryRetry, Arrival> answered = new HashMap<>();
    private final HostTimers timers = new HostTimers();
    private MessageParser parser = new MessageParser(DataDictionary.builder().build());
    private String shutdownReason;
    /** Why the host gave up on the MCU (no answers), or null. */
    private String failure;
    private final PayloadWriter scratch = new PayloadWriter();

    private final HostTransport.Listener listener = new HostTransport.Listener() {
        @Override
        public void onResponse(Bytes payload, double sentTimeS, double receiveTimeS) {
            for (Message m : parser.parse(payload)) {
                if (m.name().equals("shutdown") && shutdownReason == null) shutdownReason = m.getSymbol("static_string_id");
                Arrival arrival = new Arrival(m, sentTimeS, receiveTimeS);
                for (QueryRetry q : List.copyOf(queries)) {
                    if (q.offer(m)) {
                        answered.put(q, arrival);
                        break;
                    }
                }
                handlers.getOrDefault(m.name(), List.of()).forEach(h -> h.accept(m));
                arrivalHandlers.getOrDefault(m.name(), List.of()).forEach(h -> h.accept(arrival));
                anyHandlers.forEach(h -> h.accept(m));
            }
        }

        @Override
        public void onAcked(long token) {
            for (QueryRetry q : List.copyOf(queries)) q.acked(token, driver.nowS());
        }
    };

    public McuConnection(HostTransport transport, Driver driver) {
        this.transport = transport;
        this.driver = driver;
    }

    // ---- what the driver calls -----------------------------------------------------------------

    /** Runs the host's due timers, sends what is due and retries what is lost, at {@code nowS}. */
    public void service(double nowS) {
        timers.runDue(nowS);
        for (QueryRetry q : List.copyOf(queries)) q.poll(nowS, transport);
        transport.poll(nowS);
    }

    /** Bytes from the MCU. */
    public void receive(byte[] bytes, double nowS) {
        transport.receive(bytes, 0, bytes.length, nowS, listener);
        transport.poll(nowS);
    }

    /** When {@link #service} next has timed work, or +infinity. */
    public double nextDeadlineS() {
        double next = Math.min(transport.nextDeadlineS(), timers.nextS());
        for (QueryRetry q : queries) next = Math.min(next, q.nextDeadlineS());
        return next;
    }

    // ---- the session ---------------------------------------------------------------------------

    /** Downloads the MCU's data dictionary; from then on its ids and formats are used. */
    public DataDictionary identify() {
        IdentifyAssembler asm = new IdentifyAssembler();
        while (!asm.isComplete()) {
            int offset = asm.nextOffset();
            Message r = query("identify offset=" + offset + " count=" + IdentifyAssembler.CHUNK_BYTES,
                    m -> m.name().equals("identify_response") && m.getLong("offset") == offset);
            asm.accept(r.getLong("offset"), r.getBytes("data"));
        }
        parser = new MessageParser(asm.dictionary());
        Object window = asm.dictionary().config().get("RECEIVE_WINDOW");
        if (window != null) transport.setReceiveWindow((int) Double.parseDouble(window.toString()));
        return asm.dictionary();
    }

    public DataDictionary dictionary() {
        return parser.dictionary();
    }

    /** Sends a command given as text (the board's dictionary decides its encoding). */
    public void send(String command) {
        send(CommandText.parse(parser.dictionary(), command));
    }

    public void send(Message m) {
        scratch.reset();
        m.encode(scratch);
        transport.queue(scratch.toByteArray());
    }

    /** Sends a query and waits for the answer {@code matches} picks, asking again as needed. */
    public Message query(String command, Predicate<Message> matches) {
        return queryArrival(command, matches).message();
    }

    /** A query whose answer comes with its timing (for clock sync). */
    public Arrival queryArrival(String command, Predicate<Message> matches) {
        scratch.reset();
        CommandText.parse(parser.dictionary(), command).encode(scratch);
        QueryRetry q = new QueryRetry(scratch.toByteArray(), command, matches);
        queries.add(q);
        q.start(transport);
        String before = shutdownReason;
        driver.runUntil(() -> q.isDone() || shutdownReason != before || failure != null, driver.nowS() + QUERY_TIMEOUT_S);
        queries.remove(q);
        Arrival arrival = answered.remove(q);
        if (!q.isDone() && failure != null) throw new McuSessionException(failure);
        if (!q.isDone() && shutdownReason != null) throw new McuSessionException("MCU shutdown: " + shutdownReason);
        if (!q.isDone()) throw new McuSessionException("Timeout waiting for an answer to '" + command + "'");
        try {
            q.response();
            return arrival;
        } catch (QueryRetry.QueryFailedException e) {
            throw new McuSessionException(e.getMessage());
        }
    }

    /**
     * A message from the MCU with the host times that date it: when the newest host block it
     * acknowledges finished transmitting (0 if that block may have been retransmitted), and
     * when the message itself began to arrive.
     */
    public record Arrival(Message message, double sentTimeS, double receiveTimeS) {}

    /** Calls {@code handler} with every message of that name, with its timing. */
    public void onArrival(String name, Consumer<Arrival> handler) {
        arrivalHandlers.computeIfAbsent(name, k -> new ArrayList<>()).add(handler);
    }

    /** Records every block sent and received, decoded with the dictionary in use at the time. */
    public void recordWire(org.steptrace.trace.TraceSink sink) {
        transport.setTap(sink.enabled() ? new WireRecorder(sink, () -> parser) : org.steptrace.protocol.WireTap.NONE);
    }

    /** The host's timed work, run by the driver between bytes. */
    public HostTimers timers() {
        return timers;
    }

    /** Lets bytes flow and time pass until {@code done} holds or {@code limitS}; see {@link Driver}. */
    public void runUntil(BooleanSupplier done, double limitS) {
        driver.runUntil(done, limitS);
    }

    public double nowS() {
        return driver.nowS();
    }

    /** Calls {@code handler} with every message of that name the MCU sends. */
    public void onMessage(String name, Consumer<Message> handler) {
        handlers.computeIfAbsent(name, k -> new ArrayList<>()).add(handler);
    }

    /** What {@link #configure} found. */
    public enum ConfigOutcome { SENT, ALREADY_CONFIGURED }

    /**
     * The config phase: if the MCU is unconfigured, send the config, finalize it and check that it
     * took; if it is configured with the same CRC, leave it; a different CRC needs a firmware
     * restart. The init commands go out either way.
     */
    public ConfigOutcome configure(McuConfigPlan plan) {
        Message cfg = query("get_config", m -> m.name().equals("config"));
        if (cfg.getLong("is_shutdown") != 0) throw new McuSessionException("MCU is shut down; it needs a firmware restart");
        ConfigOutcome outcome;
        if (cfg.getLong("is_config") == 0) {
            plan.configLines().forEach(this::send);
            send("finalize_config crc=" + plan.crc());
            cfg = query("get_config", m -> m.name().equals("config"));
            if (cfg.getLong("is_config") == 0 || cfg.getLong("crc") != plan.crc()) {
                throw new McuSessionException("Unable to configure MCU (is_config=" + cfg.getLong("is_config") + ", crc=" + cfg.getLong("crc") + ")");
            }
            outcome = ConfigOutcome.SENT;
        } else if (cfg.getLong("crc") == plan.crc()) {
            outcome = ConfigOutcome.ALREADY_CONFIGURED;
        } else {
            throw new McuSessionException("MCU CRC does not match config (" + cfg.getLong("crc") + " vs " + plan.crc()
                    + "): it needs a firmware restart");
        }
        plan.initLines().forEach(this::send);
        return outcome;
    }

    /** The host gives up on the MCU: waits end, and the session reports {@code reason}. */
    public void fail(String reason) {
        if (failure == null) failure = reason;
    }

    /** Why the host gave up on the MCU, or null. */
    public String failure() {
        return failure;
    }

    /** The reason the MCU reported when it shut down, or null. */
    public String shutdownReason() {
        return shutdownReason;
    }

    /** Move-queue slots the configured MCU has. */
    public int moveCount() {
        return (int) query("get_config", m -> m.name().equals("config")).getLong("move_count");
    }

    /** Calls {@code handler} with every message the MCU sends. */
    public void onAnyMessage(Consumer<Message> handler) {
        anyHandlers.add(handler);
    }

    /** Sends message bytes as they are (id first), for what no format of the dictionary allows. */
    public void sendRaw(byte[] message) {
        transport.queue(message);
    }

    /** A session that cannot go on; the message says why. */
    public static final class McuSessionException extends RuntimeException {
        public McuSessionException(String message) {
            super(message);
        }
    }
}
