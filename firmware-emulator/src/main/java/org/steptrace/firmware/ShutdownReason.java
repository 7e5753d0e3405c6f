package org.steptrace.firmware;

import java.util.List;

/** The static strings the emulated firmware can shut down with, in dictionary id order. */
public final class ShutdownReason {
    public static final String SHUTDOWN_CLEARED_WHEN_NOT_SHUTDOWN = "Shutdown cleared when not shutdown";
    public static final String TIMER_TOO_CLOSE = "Timer too close";
    public static final String RESCHEDULED_TIMER_IN_THE_PAST = "Rescheduled timer in the past";
    public static final String INVALID_COUNT = "Invalid count parameter";
    public static final String MISSED_DIGITAL_OUT = "Missed scheduling of next digital out event";
    public static final String EXCEED_MAX_DURATION = "Scheduled digital out event will exceed max_duration";
    public static final String ADC_OUT_OF_RANGE = "ADC out of range";
    public static final String COMMAND_REQUEST = "Command request";
    public static final String MOVE_QUEUE_OVERFLOW = "Move queue overflow";
    public static final String STEPPER_TOO_FAR_IN_PAST = "Stepper too far in past";
    public static final String RESET_TIME_WHEN_ACTIVE = "Can't reset time when stepper active";
    public static final String INVALID_OID_TYPE = "Invalid oid type";
    public static final String CANT_ASSIGN_OID = "Can't assign oid";
    public static final String OIDS_ALREADY_ALLOCATED = "oids already allocated";
    public static final String ALREADY_FINALIZED = "Already finalized";
    public static final String UPDATE_WITH_ACTIVE_QUEUE = "update_digital_out not valid with active queue";
    public static final String PWM_CYCLE_WHILE_PENDING = "Can not set soft pwm cycle ticks while updates pending";
    public static final String SIGNAL_ALREADY_ACTIVE = "Can't add signal that is already active";
    public static final String CONFIG_RESET_NOT_SHUTDOWN = "config_reset only available when shutdown";
    public static final String INVALID_COMMAND = "Invalid command";
    public static final String COMMAND_PARSER_ERROR = "Command parser error";

    /** Every reason, in the order their ids are assigned (from 2, as a firmware build does). */
    public static final List<String> ALL = List.of(
            SHUTDOWN_CLEARED_WHEN_NOT_SHUTDOWN, TIMER_TOO_CLOSE, RESCHEDULED_TIMER_IN_THE_PAST, INVALID_COUNT,
            MISSED_DIGITAL_OUT, EXCEED_MAX_DURATION, ADC_OUT_OF_RANGE, COMMAND_REQUEST, MOVE_QUEUE_OVERFLOW,
            STEPPER_TOO_FAR_IN_PAST, RESET_TIME_WHEN_ACTIVE, INVALID_OID_TYPE, CANT_ASSIGN_OID,
            OIDS_ALREADY_ALLOCATED, ALREADY_FINALIZED, UPDATE_WITH_ACTIVE_QUEUE, PWM_CYCLE_WHILE_PENDING,
            SIGNAL_ALREADY_ACTIVE, CONFIG_RESET_NOT_SHUTDOWN, INVALID_COMMAND, COMMAND_PARSER_ERROR);

    /** Reasons that are ignored while already shut down (the firmware's try_shutdown). */
    public static boolean isSoft(String reason) {
        return reason.equals(TIMER_TOO_CLOSE) || reason.equals(RESCHEDULED_TIMER_IN_THE_PAST) || reason.equals(ADC_OUT_OF_RANGE);
    }

    private ShutdownReason() {}
}
