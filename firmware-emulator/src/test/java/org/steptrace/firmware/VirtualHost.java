package org.steptrace.firmware;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.steptrace.link.VirtualWire;
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
 * A scripted host for tests: the real host transport and query layer talking to an emulated
 * MCU over virtual serial wires, everything on one virtual clock.
 */
final class VirtualHost {
    final Mcu mcu;
    final List<Message> received = new ArrayList<>();
    private final McuSpec spec;
    private final VirtualWire toMcu;
    private final VirtualWire toHost;
    private final HostTransport host;
    private final List<QueryRetry> queries = new ArrayList<>();
    private MessageParser parser;
    private double now;

    VirtualHost(McuSpec spec, PinIo pins, McuTap tap) {
        this(spec, out -> new Mcu(spec, pins, tap, out));
    }

    /** Talks to the MCU {@code factory} makes around the output it is given. */
    VirtualHost(McuSpec spec, java.util.function.Function<org.steptrace.protocol.McuTransport.Output, Mcu> factory) {
        this.spec = spec;
        long baud = spec.serialBaud() > 0 ? spec.serialBaud() : 0;
        this.toMcu = new VirtualWire(baud);
        this.toHost = new VirtualWire(baud);
        this.mcu = factory.apply(bytes -> toHost.write(bytes, spec.seconds(mcuNow())));
        this.host = new HostTransport(bytes -> toMcu.write(bytes, now), baud, spec.receiveWindowBytes());
        // Until identify completes, parse with the fixed identify formats only.
        this.parser = new MessageParser(DataDictionary.builder().build());
    }

    private long mcuNow() {
        return mcu.nowTick();
    }

    double nowS() {
        return now;
    }

    long nowTick() {
        return spec.ticks(now);
    }

    /** Downloads the MCU's dictionary through identify, as a host does. */
    DataDictionary identify() {
        IdentifyAssembler asm = new IdentifyAssembler();
        while (!asm.isComplete()) {
            int offset = asm.nextOffset();
            Message r = query("identify offset=" + offset + " count=40", m -> m.name().equals("identify_response")
                    && m.getLong("offset") == offset);
            asm.accept(r.getLong("offset"), r.getBytes("data"));
        }
        parser = new MessageParser(asm.dictionary());
        return asm.dictionary();
    }

    DataDictionary dictionary() {
        return parser.dictionary();
    }

    /** Queues commands written as text. */
    void send(String... commands) {
        for (String c : commands) send(CommandText.parse(parser.dictionary(), c));
    }

    void send(Message m) {
        PayloadWriter w = new PayloadWriter();
        m.encode(w);
        host.queue(w.toByteArray());
    }

    /** Queues raw message bytes, for what no format allows. */
    void sendRaw(byte[] message) {
        host.queue(message);
    }

    /** Sends a query and runs until its answer arrives (at most 5 s). */
    Message query(String command, Predicate<Message> matches) {
        PayloadWriter w = new PayloadWriter();
        CommandText.parse(parser.dictionary(), command).encode(w);
        QueryRetry q = new QueryRetry(w.toByteArray(), command, matches);
        queries.add(q);
        q.start(host);
        double limit = now + 5;
        while (true) {
            processNow();
            if (q.isDone() || now >= limit) break;
            advance(limit);
        }
        queries.remove(q);
        return q.response();
    }

    Message query(String command, String responseName) {
        return query(command, m -> m.name().equals(responseName));
    }

    /** Runs until {@code seconds} more have passed. */
    void runFor(double seconds) {
        runUntil(now + seconds);
    }

    void runUntil(double t) {
        while (true) {
            processNow();
            if (now >= t) break;
            advance(t);
        }
    }

    /** Lets everything due now happen: retries, sends, deliveries both ways. */
    private void processNow() {
        for (QueryRetry q : queries) q.poll(now, host);
        host.poll(now);
        byte[] in = toMcu.read(now);
        if (in.length > 0) {
            mcu.advanceTo(Math.max(mcu.nowTick(), spec.ticks(now)));
            mcu.receive(in, 0, in.length);
        }
        byte[] back = toHost.read(now);
        if (back.length > 0) host.receive(back, 0, back.length, now, listener);
        host.poll(now);
    }

    /** Jumps to the next event (a byte arriving, a timer, a retry), at most to {@code limit}. */
    private void advance(double limit) {
        double next = Math.min(Math.min(toMcu.nextArrivalS(), toHost.nextArrivalS()), host.nextDeadlineS());
        next = Math.min(next, spec.seconds(mcu.nextWakeTick() == Long.MAX_VALUE ? Long.MAX_VALUE / 4 : mcu.nextWakeTick()));
        for (QueryRetry q : queries) next = Math.min(next, q.nextDeadlineS());
        next = Math.min(Math.max(next, now + 1e-7), limit);
        mcu.advanceTo(Math.max(mcu.nowTick(), spec.ticks(next)));
        now = next;
    }

    private final HostTransport.Listener listener = new HostTransport.Listener() {
        @Override
        public void onResponse(Bytes payload, double sentTimeS, double receiveTimeS) {
            for (Message m : parser.parse(payload)) {
                received.add(m);
                for (QueryRetry q : queries) {
                    if (q.offer(m)) break;
                }
            }
        }

        @Override
        public void onAcked(long token) {
            for (QueryRetry q : queries) q.acked(token, now);
        }
    };

    /** Responses of that name received so far. */
    List<Message> receivedNamed(String name) {
        return received.stream().filter(m -> m.name().equals(name)).toList();
    }
}
