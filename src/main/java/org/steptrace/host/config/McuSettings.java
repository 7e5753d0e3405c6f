package org.steptrace.host.config;

/** [mcu]: where the board is and how to talk to it. */
public record McuSettings(String serial, long baud, String restartMethod) {}
