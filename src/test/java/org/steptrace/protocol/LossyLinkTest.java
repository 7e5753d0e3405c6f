package org.steptrace.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.steptrace.link.VirtualWire;

/**
 * Host and MCU transports over serial lines that drop, corrupt, duplicate and delay bytes in
 * both directions, on virtual time: every command is executed exactly once and in order, and
 * queries whose answers are lost are asked again until answered.
 */
class LossyLinkTest {
    private static final long BAUD = 250_000;

    private final DataDictionary dict = DataDictionary.builder()
            .command("queue_step oid=%c interval=%u count=%hu add=%hi")
            .command("stepper_get_position oid=%c")
            .response("stepper_position oid=%c pos=%i")
            .config("CLOCK_FREQ", 16_000_000)
            .build();
    private final MessageFormat queueStep = dict.command("queue_step").orElseThrow();
    private final MessageFormat getPosition = dict.command("stepper_get_position").orElseThrow();
    private final MessageFormat position = dict.response("stepper_position").orElseThrow();
    private final MessageParser parser = new MessageParser(dict);

    private double now;
    private VirtualWire toMcu;
    private VirtualWire toHost;
    private McuTransport mcu;
    private HostTransport host;
    private final List<Message> executed = new ArrayList<>();
    private final List<QueryRetry> queries = new ArrayList<>();
    private long queriesSeen;

    @ParameterizedTest(name = "seed {0}: drop/corrupt/duplicate {1} each, delay {2} of bytes")
    @CsvSource({
        // At most 10 % of the bytes are touched; damage beyond a few percent leaves almost no
        // 64-byte block intact, for this protocol as for the firmware's.
        "1, 0.001, 0.07",
        "2, 0.003, 0.07",
        "3, 0.006, 0.07",
        "4, 0.010, 0.07",
        "5, 0.010, 0.00",
    })
    void everyCommandExecutesExactlyOnceInOrderAndQueriesAreAskedAgain(long seed, double damageP, double delayP) {
        VirtualWire.Impairment impairment = new VirtualWire.Impairment(damageP, damageP, damageP, delayP, 0.002);
        toMcu = new VirtualWire(BAUD, impairment, seed);
        toHost = new VirtualWire(BAUD, impairment, seed + 1000);
        mcu = new McuTransport(bytes -> toHost.write(bytes, now));
        host = new HostTransport(bytes -> toMcu.write(bytes, now), BAUD, 192);

        // A host talks only in queries until the MCU's first answer has told it the seq.
        QueryRetry hello = query();
        runUntil(hello::isDone, 60);
        assertEquals(QueryRetry.State.ANSWERED, hello.state());

        SplittableRandom rnd = new SplittableRandom(seed);
        List<Message> sent = new ArrayList<>();
        for (int i = 1; i <= 600; i++) {
            Message m = queueStep.message(rnd.nextInt(6), rnd.nextInt(1 << 30), 1 + rnd.nextInt(1000), rnd.nextInt(-3000, 3000));
            sent.add(m);
            host.queue(encode(m));
            if (i % 20 == 0) query();
            runUntil(() -> host.stats().readyBytes() < 100, 3600);
        }
        runUntil(() -> host.isIdle() && queries.stream().allMatch(QueryRetry::isDone), 3600);

        assertEquals(sent.size(), executed.size(), "commands executed");
        assertTrue(sent.equals(executed), "the same commands in the same order");
        assertTrue(toMcu.bytesDropped() + toMcu.bytesCorrupted() > 0, "the line really was lossy");
        assertTrue(host.stats().bytesRetransmit() > 0, "lost blocks were retransmitted");
        for (QueryRetry q : queries) assertEquals(QueryRetry.State.ANSWERED, q.state());
        // A query whose answer was lost went out again (QueryRetryTest shows the rule exactly).
        long resent = queries.stream().filter(q -> q.sends() > 1).count();
        assertTrue(queriesSeen >= queries.size() && (resent > 0 || queriesSeen == queries.size()));
    }

    /** Queues a query whose answer carries its number, so a late answer cannot satisfy another. */
    private QueryRetry query() {
        int tag = queries.size() + 1;
        QueryRetry q = new QueryRetry(encode(getPosition.message(tag & 0xff)), "stepper_position",
                r -> r.getLong("oid") == (tag & 0xff) && r.getLong("pos") == tag);
        queries.add(q);
        q.start(host);
        return q;
    }

    private final HostTransport.Listener listener = new HostTransport.Listener() {
        @Override
        public void onResponse(Bytes payload, double sentTimeS, double receiveTimeS) {
            for (Message m : parser.parse(payload)) {
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

    /** Advances virtual time event by event until {@code done} holds. */
    private void runUntil(java.util.function.BooleanSupplier done, double limitS) {
        double deadline = now + limitS;
        while (!done.getAsBoolean()) {
            for (QueryRetry q : queries) q.poll(now, host);
            host.poll(now);
            byte[] in = toMcu.read(now);
            mcu.receive(in, 0, in.length, now, this::execute);
            byte[] back = toHost.read(now);
            host.receive(back, 0, back.length, now, listener);
            host.poll(now); // acknowledgements may have opened the window
            if (done.getAsBoolean()) return;
            double next = Math.min(Math.min(toMcu.nextArrivalS(), toHost.nextArrivalS()), host.nextDeadlineS());
            for (QueryRetry q : queries) next = Math.min(next, q.nextDeadlineS());
            now = Math.max(now + 1e-6, next);
            if (now > deadline) throw new AssertionError("stalled at " + now + " s: " + host.stats());
        }
    }

    private boolean execute(Bytes payload) {
        for (Message m : parser.parse(payload)) {
            if (m.name().equals("stepper_get_position")) {
                queriesSeen++;
                long oid = m.getLong("oid");
                long tag = oid + 256L * ((queries.size() - oid) / 256);
                mcu.send(Bytes.wrap(encode(position.message(oid, tag))));
            } else {
                executed.add(m);
            }
        }
        return true;
    }

    private static byte[] encode(Message m) {
        PayloadWriter w = new PayloadWriter();
        m.encode(w);
        return w.toByteArray();
    }
}
