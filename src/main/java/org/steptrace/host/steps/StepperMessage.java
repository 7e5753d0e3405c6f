package org.steptrace.host.steps;

/**
 * What a stepper channel sends: step runs and direction changes, each with the clock it
 * belongs at ({@code reqClock}: when the MCU starts executing it, the previous step's clock).
 */
public sealed interface StepperMessage {
    int oid();

    long reqClock();

    /**
     * queue_step: {@code firstClock}/{@code lastClock} are the absolute clocks of its first and last
     * step; {@code previousStepClock} the stepper's step before it (0 right after config or a reset:
     * then the MCU loads it at once and it needs no move-queue slot to wait for).
     */
    record QueueStep(int oid, StepSequence sequence, long reqClock, long firstClock, long lastClock, long previousStepClock)
            implements StepperMessage {}

    /** set_next_step_dir: the pin level for the steps that follow. */
    record SetDir(int oid, int dir, long reqClock) implements StepperMessage {}
}
