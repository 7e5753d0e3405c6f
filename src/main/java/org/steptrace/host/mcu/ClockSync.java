package org.steptrace.host.mcu;

/**
 * Estimates the MCU clock from the host's clock: each {@code clock} answer is paired with the
 * time its request finished transmitting, and a decaying linear regression (weight 1/30 per
 * sample) tracks the clock's offset and frequency. Outliers are dropped or reset the prediction
 * variance, as the reference host does. 32-bit clocks are extended against the last clock seen.
 */
public final class ClockSync {
    private static final double DECAY = 1.0 / 30.0;
    /** The best round trip is trusted a little less as it ages: 10 µs per hour. */
    private static final double RTT_AGE_S_PER_S = 0.000010 / 3600;

    private final double nominalHz;
    private long lastClock;
    private double timeAvg;
    private double timeVariance;
    private double clockAvg;
    private double clockCovariance;
    private double predictionVariance;
    private double lastPredictionTime = -9999;
    private double frequencyHz;
    private double minHalfRttS = Double.POSITIVE_INFINITY;
    private double minRttTimeS;

    public ClockSync(double nominalHz) {
        this.nominalHz = nominalHz;
        this.frequencyHz = nominalHz;
    }

    /** The 64-bit clock nearest the last one seen whose low 32 bits are {@code clock32}. */
    public long extend(long clock32) {
        return lastClock + (int) (clock32 - lastClock);
    }

    /** Starts from a {@code uptime} answer (64-bit clock) requested at {@code sentTimeS}. */
    public void start(long uptimeClock, double sentTimeS) {
        lastClock = uptimeClock;
        clockAvg = uptimeClock;
        timeAvg = sentTimeS;
        timeVariance = 0;
        clockCovariance = 0;
        frequencyHz = nominalHz;
        predictionVariance = Math.pow(0.001 * nominalHz, 2);
    }

    /** During start-up every sample may reset the variance instead of being dropped. */
    public void forgetLastPrediction() {
        lastPredictionTime = -9999;
    }

    /**
     * A {@code clock} answer: {@code sentTimeS} when the request finished transmitting (0 if
     * it may have been retransmitted: then only the clock is extended), {@code receiveTimeS}
     * when the answer arrived.
     */
    public void sample(long clock32, double sentTimeS, double receiveTimeS) {
        long clock = extend(clock32);
        lastClock = clock;
        if (sentTimeS == 0) return;
        double halfRtt = (receiveTimeS - sentTimeS) / 2;
        double agedMin = minHalfRttS + (sentTimeS - minRttTimeS) * RTT_AGE_S_PER_S;
        if (halfRtt < agedMin) {
            minHalfRttS = halfRtt;
            minRttTimeS = sentTimeS;
        }
        double expected = (sentTimeS - timeAvg) * frequencyHz + clockAvg;
        double d2 = Math.pow(clock - expected, 2);
        if (d2 > 25 * predictionVariance && d2 > Math.pow(0.0005 * nominalHz, 2)) {
            if (clock > expected && sentTimeS < lastPredictionTime + 10) return;
            predictionVariance = Math.pow(0.001 * nominalHz, 2);
        } else {
            lastPredictionTime = sentTimeS;
            predictionVariance = (1 - DECAY) * (predictionVariance + d2 * DECAY);
        }
        double dt = sentTimeS - timeAvg;
        timeAvg += DECAY * dt;
        timeVariance = (1 - DECAY) * (timeVariance + dt * dt * DECAY);
        double dc = clock - clockAvg;
        clockAvg += DECAY * dc;
        clockCovariance = (1 - DECAY) * (clockCovariance + dt * dc * DECAY);
        if (timeVariance > 0) frequencyHz = clockCovariance / timeVariance;
    }

    public double frequencyHz() {
        return frequencyHz;
    }

    /** The MCU clock at host time {@code tS}. */
    public double clockAt(double tS) {
        return clockAvg + (tS - timeAvg) * frequencyHz;
    }

    /**
     * The MCU clock the transmit scheduler may count on at host time {@code tS}: a millisecond
     * later and three prediction deviations lower than the best estimate, so nothing goes early.
     */
    public double transmitClockAt(double tS) {
        return clockAvg - 3 * Math.sqrt(predictionVariance) + (tS - timeAvg - 0.001) * frequencyHz;
    }

    /** The host time at which {@link #transmitClockAt} reaches {@code clock}. */
    public double timeAtTransmitClock(double clock) {
        return timeAvg + 0.001 + (clock - clockAvg + 3 * Math.sqrt(predictionVariance)) / frequencyHz;
    }

    /** Print time (seconds of nominal MCU clock) at host time {@code tS}, with half the best round trip. */
    public double estimatedPrintTime(double tS) {
        double half = Double.isInfinite(minHalfRttS) ? 0 : minHalfRttS;
        return (clockAvg + (tS - timeAvg - half) * frequencyHz) / nominalHz;
    }
}
