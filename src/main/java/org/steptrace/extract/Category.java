package org.steptrace.extract;

/** The four categories of the brief; every family belongs to one. */
public enum Category {
    MOTION("motion", "Motion control & kinematics"),
    THERMAL("thermal", "Thermal management"),
    ERROR_HANDLING("error_handling", "Error handling & recovery"),
    REAL_TIME("real_time", "Real-time control");

    private final String id;
    private final String title;

    Category(String id, String title) {
        this.id = id;
        this.title = title;
    }

    /** The name in records and stats. */
    public String id() {
        return id;
    }

    public String title() {
        return title;
    }
}
