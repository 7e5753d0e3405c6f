package org.steptrace.firmware;

/**
 * Something a trsync stops when it triggers (a stepper). A signal belongs to at most one trsync
 * at a time; adding it again while it is active is the firmware's "Can't add signal that is
 * already active".
 */
final class StopSignal {
    private final Runnable stop;
    private Trsync owner;

    StopSignal(Runnable stop) {
        this.stop = stop;
    }

    void attach(Trsync trsync) {
        if (owner != null) throw new McuShutdown(ShutdownReason.SIGNAL_ALREADY_ACTIVE);
        owner = trsync;
    }

    void detach() {
        owner = null;
    }

    void fire() {
        owner = null;
        stop.run();
    }
}
