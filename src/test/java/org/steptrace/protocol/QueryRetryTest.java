package org.steptrace.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The query layer over a perfect link whose MCU ignores the first few queries. */
class QueryRetryTest {
    private final DataDictionary dict = DataDictionary.builder()
            .command("get_uptime")
            .response("uptime high=%u clock=%u")
            .config("CLOCK_FREQ", 16_000_000)
            .build();
    private final MessageParser parser = new MessageParser(dict);
    private final List<byte[]> toMcu = new ArrayList<>();
    private final List<byte[]> toHost = new ArrayList<>();
    private final HostTransport host = new HostTransport(toMcu::add, 0, 0);
    private final McuTransport mcu = new McuTransport(toHost::add);
    private final List<Double> askedAtS = new ArrayList<>();

    private QueryRetry runQuery(int ignoreFirst) {
        byte[] request = new PayloadWriter().writeVlq(dict.command("get_uptime").orElseThrow().id()).toByteArray();
        QueryRetry q = new QueryRetry(request, "uptime", m -> m.name().equals("uptime"));
        MessageFormat uptime = dict.response("uptime").orElseThrow();
        double[] now = {0};
        HostTransport.Listener listener = new HostTransport.Listener() {
            @Override
            public void onResponse(Bytes payload, double sentTimeS, double receiveTimeS) {
                parser.parse(payload).forEach(q::offer);
            }

            @Override
            public void onAcked(long token) {
                q.acked(token, now[0]);
            }
        };
        q.start(host);
        while (!q.isDone() && now[0] < 10) {
            q.poll(now[0], host);
            host.poll(now[0]);
            for (byte[] b : List.copyOf(toMcu)) {
                mcu.receive(b, 0, b.length, now[0], payload -> {
                    askedAtS.add(now[0]);
                    if (askedAtS.size() > ignoreFirst) {
                        PayloadWriter w = new PayloadWriter();
                        uptime.message(0, 1234).encode(w);
                        mcu.send(w.toBytes());
                    }
                    return true;
                });
            }
            toMcu.clear();
            for (byte[] b : List.copyOf(toHost)) host.receive(b, 0, b.length, now[0], listener);
            toHost.clear();
            now[0] += 0.0005;
        }
        return q;
    }

    @Test
    void aLostAnswerIsAskedForAgainAfter10msThenDoubling() {
        // First contact: the host's seq 1 is NAKed and voided, so the query goes out once more.
        QueryRetry q = runQuery(3);
        assertEquals(QueryRetry.State.ANSWERED, q.state());
        assertEquals(1234L, q.response().getLong("clock"));
        assertEquals(4, askedAtS.size());
        assertEquals(5, q.sends());
        // Waits of 10, 20, 40, 80 ms after each acknowledgement (the first send was voided).
        assertEquals(0.020, askedAtS.get(1) - askedAtS.get(0), 0.0011);
        assertEquals(0.040, askedAtS.get(2) - askedAtS.get(1), 0.0011);
        assertEquals(0.080, askedAtS.get(3) - askedAtS.get(2), 0.0011);
    }

    @Test
    void givesUpAfterFiveRetries() {
        QueryRetry q = runQuery(Integer.MAX_VALUE);
        assertEquals(QueryRetry.State.FAILED, q.state());
        assertEquals(6, q.sends());
        var e = assertThrows(QueryRetry.QueryFailedException.class, q::response);
        assertEquals("Unable to obtain 'uptime' response", e.getMessage());
    }
}
