package org.steptrace.protocol;

/**
 * The host's retransmission timeout, RFC 6298 in the reference host's flavour: the first
 * sample sets srtt to ten round trips, later ones smooth with gains 1/8 and 1/4; the timeout
 * doubles on every expiry and stays within 25 ms..5 s.
 */
final class RetransmitTimer {
    static final double MIN_RTO_S = 0.025;
    static final double MAX_RTO_S = 5.0;

    private double srttS;
    private double rttvarS;
    private double rtoS = MIN_RTO_S;

    void sample(double rttS) {
        if (srttS == 0) {
            rttvarS = rttS / 2;
            srttS = rttS * 10;
        } else {
            rttvarS = (3 * rttvarS + Math.abs(srttS - rttS)) / 4;
            srttS = (7 * srttS + rttS) / 8;
        }
        rtoS = clamp(srttS + Math.max(4 * rttvarS, 0.001));
    }

    void backOff() {
        rtoS = clamp(rtoS * 2);
    }

    private static double clamp(double v) {
        return Math.max(MIN_RTO_S, Math.min(MAX_RTO_S, v));
    }

    double rtoS() {
        return rtoS;
    }

    double srttS() {
        return srttS;
    }

    double rttvarS() {
        return rttvarS;
    }
}
