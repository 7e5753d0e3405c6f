package org.steptrace.host.mcu;

/**
 * Keeps a {@link ClockSync} fed: the start-up samples (uptime, then eight clock queries 50 ms
 * apart), then a clock query every 0.9839 s (an odd period, so it does not alias with anything
 * periodic on the MCU). More than four unanswered polls mean the MCU is gone.
 */
public final class ClockPoller {
    static final double POLL_PERIOD_S = 0.9839;
    static final int STARTUP_SAMPLES = 8;
    static final double STARTUP_SPACING_S = 0.050;
    static final int MAX_PENDING_POLLS = 4;

    private final McuConnection connection;
    private final ClockSync sync;
    private int pendingPolls;
    private org.steptrace.trace.TraceSink trace = org.steptrace.trace.TraceSink.NONE;

    public ClockPoller(McuConnection connection, ClockSync sync) {
        this.connection = connection;
        this.sync = sync;
        connection.onArrival("clock", a -> {
            pendingPolls = 0;
            sync.sample(a.message().getLong("clock"), a.sentTimeS(), a.receiveTimeS());
            if (trace.enabled()) {
                trace.record(new org.steptrace.trace.TraceRecord.ClockSync(a.sentTimeS(), a.receiveTimeS(), sync.extend(a.message().getLong("clock")),
                        sync.frequencyHz(), sync.estimatedPrintTime(a.receiveTimeS())));
            }
        });
    }

    /** The start-up exchange; afterwards polls run on the connection's timers. */
    public void start() {
        McuConnection.Arrival up = connection.queryArrival("get_uptime", m -> m.name().equals("uptime"));
        sync.start((up.message().getLong("high") << 32) | up.message().getLong("clock"), up.sentTimeS());
        for (int i = 0; i < STARTUP_SAMPLES; i++) {
            sync.forgetLastPrediction();
            connection.query("get_clock", m -> m.name().equals("clock"));
            double until = connection.nowS() + STARTUP_SPACING_S;
            connection.runUntil(() -> false, until);
        }
        connection.timers().every(connection.nowS() + POLL_PERIOD_S, POLL_PERIOD_S, () -> {
            pendingPolls++;
            if (lost()) connection.fail("Lost communication with MCU");
            connection.send("get_clock");
        });
    }

    /** Records every clock sample and the estimate after it. */
    public void setTrace(org.steptrace.trace.TraceSink trace) {
        this.trace = trace;
    }

    /** Whether the MCU has stopped answering clock polls ("Lost communication"). */
    private boolean lost() {
        return pendingPolls > MAX_PENDING_POLLS;
    }
}
