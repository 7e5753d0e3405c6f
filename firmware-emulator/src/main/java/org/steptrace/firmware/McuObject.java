package org.steptrace.firmware;

/** An object the host configured under an oid (stepper, output, sensor…). */
public interface McuObject {
    /** Stop and go to the safe state: the firmware's shutdown handler for this kind. */
    void onShutdown();
}
