package org.steptrace.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HostTransportTest {
    private final List<byte[]> writes = new ArrayList<>();
    private final List<Long> acked = new ArrayList<>();
    private final List<Bytes> responses = new ArrayList<>();
    private int discards;
    private final HostTransport.Output output = new HostTransport.Output() {
        @Override
        public void write(byte[] bytes) {
            writes.add(bytes);
        }

        @Override
        public void discardPending() {
            discards++;
        }
    };
    private final HostTransport.Listener listener = new HostTransport.Listener() {
        @Override
        public void onResponse(Bytes payload, double sentTimeS, double receiveTimeS) {
            responses.add(payload);
        }

        @Override
        public void onAcked(long token) {
            acked.add(token);
        }
    };

    private void mcuSends(HostTransport host, int seq, String payloadHex, double nowS) {
        byte[] b = new MessageBlock(seq, Bytes.fromHex(payloadHex)).encode();
        host.receive(b, 0, b.length, nowS, listener);
    }

    @Test
    void blocksAreNumberedFromOne() {
        HostTransport host = new HostTransport(output, 250_000, 0);
        host.queue(Bytes.fromHex("010028").toByteArray());
        host.poll(0);
        assertEquals("0811010028" + "42247e", Bytes.of(writes.get(0)).hex());
    }

    @Test
    void theFirstAnswerResyncsTheSeqLikeARealConnectionStart() {
        HostTransport host = new HostTransport(output, 0, 0);
        long first = host.queue(Bytes.fromHex("010028").toByteArray());
        host.poll(0.7897);
        host.poll(0.8149); // RTO of 25 ms expires: retransmit led by 0x7E
        assertEquals("7e0811010028" + "42247e", Bytes.of(writes.get(1)).hex());
        assertEquals(1, discards);
        mcuSends(host, 0, "", 0.8150); // the MCU still expects seq 0
        assertEquals(List.of(first), acked, "the voided send counts as acknowledged so the query retries");
        assertEquals(16, host.stats().sendSeq());
        assertTrue(host.isIdle());
        host.queue(Bytes.fromHex("010028").toByteArray());
        host.poll(0.8255);
        assertEquals("0810010028" + "5e9f7e", Bytes.of(writes.get(2)).hex());
    }

    @Test
    void atMostTwelveBlocksAreUnacknowledged() {
        HostTransport host = new HostTransport(output, 0, 0);
        for (int i = 0; i < 20; i++) host.queue(new byte[50]);
        host.poll(0);
        assertEquals(12, writes.size());
        mcuSends(host, 4, "", 0.001); // acknowledges seq 1..3
        host.poll(0.001);
        assertEquals(15, writes.size());
    }

    @Test
    void theMcuReceiveWindowLimitsBytesInFlight() {
        HostTransport host = new HostTransport(output, 250_000, 192);
        for (int i = 0; i < 10; i++) host.queue(new byte[45]); // 50-byte blocks
        host.poll(0);
        // 50 + 64 <= 192 and 100 + 64 <= 192, but 150 + 64 > 192.
        assertEquals(3, writes.size());
    }

    @Test
    void messagesArePackedIntoBlocksOfAtMost59Bytes() {
        HostTransport host = new HostTransport(output, 0, 0);
        for (int i = 0; i < 12; i++) host.queue(new byte[] {5, 1, 2, 3, 4, 5, 6, 7, 8, 9});
        host.poll(0);
        assertEquals(List.of(55, 55, 25), writes.stream().map(w -> w.length).toList());
    }

    @Test
    void timeoutsRetransmitEverythingAndDoubleTheTimeout() {
        HostTransport host = new HostTransport(output, 0, 0);
        host.queue(new byte[] {5});
        host.queue(new byte[58]);
        host.queue(new byte[] {6});
        host.poll(0);
        assertEquals(2, writes.size());
        assertEquals(0.025, host.nextDeadlineS(), 1e-12);
        host.poll(0.025);
        byte[] burst = writes.get(2);
        assertEquals(1 + writes.get(0).length + writes.get(1).length, burst.length);
        assertEquals(0x7e, burst[0] & 0xff);
        assertEquals(0.05, host.stats().rtoS(), 1e-12);
        assertEquals(0.025 + 0.05, host.nextDeadlineS(), 1e-12);
        for (int i = 0; i < 10; i++) host.poll(host.nextDeadlineS());
        assertEquals(5.0, host.stats().rtoS(), 1e-12, "capped at 5 s");
    }

    @Test
    void aNakTriggersOneFastRetransmitWithoutBackoff() {
        HostTransport host = new HostTransport(output, 0, 0);
        host.queue(new byte[58]);
        host.queue(new byte[] {6, 7});
        host.poll(0);
        assertEquals(2, writes.size());
        mcuSends(host, 2, "", 0.001); // ACK of block 1
        mcuSends(host, 2, "", 0.002); // the same seq again: a NAK, block 2 was lost
        assertEquals(3, writes.size());
        assertEquals("7e" + Bytes.of(writes.get(1)).hex(), Bytes.of(writes.get(2)).hex());
        double rtoBefore = host.stats().rtoS();
        mcuSends(host, 2, "", 0.003); // NAKs that show no progress are ignored now
        assertEquals(3, writes.size());
        assertEquals(rtoBefore, host.stats().rtoS(), 1e-12, "no backoff on a NAK");
    }

    @Test
    void roundTripSamplesSetTheTimeoutAsRfc6298() {
        HostTransport host = new HostTransport(output, 0, 0);
        host.queue(new byte[] {5});
        host.poll(0);
        mcuSends(host, 2, "", 0.004);
        // First sample d = 4 ms: rttvar = 2 ms, srtt = 40 ms, rto = 40 + 8 = 48 ms.
        assertEquals(0.040, host.stats().srttS(), 1e-12);
        assertEquals(0.048, host.stats().rtoS(), 1e-12);
        host.queue(new byte[] {5});
        host.poll(1.0);
        mcuSends(host, 3, "", 1.002);
        double rttvar = (3 * 0.002 + Math.abs(0.040 - 0.002)) / 4;
        double srtt = (7 * 0.040 + 0.002) / 8;
        assertEquals(srtt, host.stats().srttS(), 1e-12);
        assertEquals(srtt + 4 * rttvar, host.stats().rtoS(), 1e-12);
    }

    @Test
    void aResponseCarryingTheNextSeqDoesNotYetCompleteTheWait() {
        HostTransport host = new HostTransport(output, 0, 0);
        long token = host.queue(new byte[] {5});
        host.poll(0);
        mcuSends(host, 2, "3a01", 0.001);
        assertEquals(List.of(Bytes.fromHex("3a01")), responses);
        assertTrue(acked.isEmpty());
        mcuSends(host, 2, "", 0.001);
        assertEquals(List.of(token), acked);
    }

    @Test
    void seqsBeyondWhatWasSentAreInvalidOnceConnected() {
        HostTransport host = new HostTransport(output, 0, 0);
        host.queue(new byte[] {5});
        host.poll(0);
        mcuSends(host, 2, "", 0.001);
        mcuSends(host, 9, "", 0.002);
        assertEquals(5, host.stats().bytesInvalid());
        assertEquals(2, host.stats().receiveSeq());
    }
}
