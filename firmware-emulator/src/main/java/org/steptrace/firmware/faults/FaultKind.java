package org.steptrace.firmware.faults;

/** What can be made to go wrong on an emulated board, by its command-line name. */
public enum FaultKind {
    THERMISTOR_OPEN("thermistor-open"),
    THERMISTOR_SHORT("thermistor-short"),
    HEATER_DEAD("heater-dead"),
    HEATER_STUCK_ON("heater-stuck-on"),
    THERMISTOR_DETACHED("thermistor-detached"),
    LINK_DROP("link-drop"),
    /** The host stops all work for 10 s (only where the host runs in the same process: run). */
    HOST_STALL("host-stall");

    private final String cliName;

    FaultKind(String cliName) {
        this.cliName = cliName;
    }

    public String cliName() {
        return cliName;
    }

    /** True for the kinds that act on a heater and its sensor. */
    public boolean isThermal() {
        return this != LINK_DROP && this != HOST_STALL;
    }

    public static FaultKind fromCliName(String name) {
        for (FaultKind k : values()) {
            if (k.cliName.equals(name)) return k;
        }
        throw new IllegalArgumentException("unknown fault '" + name + "'; known: " + java.util.Arrays.stream(values())
                .map(FaultKind::cliName).toList());
    }
}
