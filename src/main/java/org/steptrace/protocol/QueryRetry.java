package org.steptrace.protocol;

import java.util.function.Predicate;

/**
 * One query as a host asks it: send the request and wait for its acknowledgement; if the
 * response has not come by then, wait 10 ms and send again, doubling the wait, at most five
 * times, then give up. Responses are never retransmitted by the link, so this is what recovers
 * a lost one. A pure state machine: the caller feeds it acknowledgements, messages and time.
 */
public final class QueryRetry {
    public static final int MAX_RETRIES = 5;
    public static final double FIRST_RETRY_DELAY_S = 0.010;

    public enum State { WAITING_ACK, WAITING_RETRY, ANSWERED, FAILED }

    private final String responseName;
    private final byte[] request;
    private final Predicate<Message> matches;
    private State state = State.WAITING_ACK;
    private long token;
    private int retriesLeft = MAX_RETRIES;
    private double retryDelayS = FIRST_RETRY_DELAY_S;
    private double resendAtS = Double.POSITIVE_INFINITY;
    private int sends;
    private Message response;

    /**
     * @param request the encoded query message
     * @param responseName the name of the response it waits for, for the error text
     * @param matches picks the response out of everything the MCU sends
     */
    public QueryRetry(byte[] request, String responseName, Predicate<Message> matches) {
        this.request = request.clone();
        this.responseName = responseName;
        this.matches = matches;
    }

    /** Sends the request for the first time. */
    public void start(HostTransport transport) {
        send(transport);
    }

    private void send(HostTransport transport) {
        token = transport.queue(request);
        sends++;
        state = State.WAITING_ACK;
    }

    /** Offers a received message; returns true if it was this query's answer. */
    public boolean offer(Message message) {
        if (response != null || state == State.FAILED || !matches.test(message)) return false;
        response = message;
        state = State.ANSWERED;
        return true;
    }

    /** The transport acknowledged a message; ours, if the token matches. */
    public void acked(long ackedToken, double nowS) {
        if (state != State.WAITING_ACK || ackedToken != token) return;
        if (retriesLeft == 0) {
            state = State.FAILED;
            return;
        }
        state = State.WAITING_RETRY;
        resendAtS = nowS + retryDelayS;
    }

    /** Resends when the wait is over. */
    public void poll(double nowS, HostTransport transport) {
        if (state == State.WAITING_RETRY && nowS >= resendAtS) {
            retriesLeft--;
            retryDelayS *= 2;
            resendAtS = Double.POSITIVE_INFINITY;
            send(transport);
        }
    }

    public double nextDeadlineS() {
        return state == State.WAITING_RETRY ? resendAtS : Double.POSITIVE_INFINITY;
    }

    public State state() {
        return state;
    }

    public boolean isDone() {
        return state == State.ANSWERED || state == State.FAILED;
    }

    public Message response() {
        if (state == State.FAILED) throw new QueryFailedException("Unable to obtain '" + responseName + "' response");
        if (response == null) throw new IllegalStateException("query for '" + responseName + "' not answered yet");
        return response;
    }

    /** How many times the request went out. */
    public int sends() {
        return sends;
    }

    /** A query that got no answer after all its retries. */
    public static final class QueryFailedException extends ProtocolException {
        public QueryFailedException(String message) {
            super(message);
        }
    }
}
