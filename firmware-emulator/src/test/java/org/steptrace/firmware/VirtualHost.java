package org.steptrace.firmware;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import org.steptrace.host.mcu.McuConnection;
import org.steptrace.protocol.DataDictionary;
import org.steptrace.protocol.McuTransport;
import org.steptrace.protocol.Message;
import org.steptrace.sim.VirtualBench;

/**
 * A scripted host for tests: the host's own MCU session on the in-process virtual bench, with
 * every message the MCU sends kept for inspection.
 */
final class VirtualHost {
    final Mcu mcu;
    final List<Message> received = new ArrayList<>();
    private final McuSpec spec;
    private final VirtualBench bench;
    private final McuConnection conn;

    VirtualHost(McuSpec spec, PinIo pins, McuTap tap) {
        this(spec, out -> new Mcu(spec, pins, tap, out));
    }

    /** Talks to the MCU {@code factory} makes around the output it is given. */
    VirtualHost(McuSpec spec, Function<McuTransport.Output, Mcu> factory) {
        this.spec = spec;
        this.bench = new VirtualBench(spec, out -> {
            Mcu m = factory.apply(out);
            return () -> m;
        });
        this.conn = bench.connection();
        this.mcu = bench.mcu();
        conn.onAnyMessage(received::add);
    }

    double nowS() {
        return bench.nowS();
    }

    long nowTick() {
        return spec.ticks(bench.nowS());
    }

    DataDictionary identify() {
        return conn.identify();
    }

    DataDictionary dictionary() {
        return conn.dictionary();
    }

    /** Queues commands written as text. */
    void send(String... commands) {
        for (String c : commands) conn.send(c);
    }

    /** Queues raw message bytes, for what no format allows. */
    void sendRaw(byte[] message) {
        conn.sendRaw(message);
    }

    /** Sends a query and runs until its answer arrives. */
    Message query(String command, Predicate<Message> matches) {
        return conn.query(command, matches);
    }

    Message query(String command, String responseName) {
        return query(command, m -> m.name().equals(responseName));
    }

    void runFor(double seconds) {
        bench.runFor(seconds);
    }

    void runUntil(double t) {
        bench.runUntil(t);
    }

    /** Responses of that name received so far. */
    List<Message> receivedNamed(String name) {
        return received.stream().filter(m -> m.name().equals(name)).toList();
    }
}
