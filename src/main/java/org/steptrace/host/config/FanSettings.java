package org.steptrace.host.config;

/** [fan]: the part-cooling fan. */
public record FanSettings(PinSpec pin, double maxPower, double cycleTimeS, double kickStartTimeS, double offBelow) {}
