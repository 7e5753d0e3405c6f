package org.steptrace.host.toolhead;

/**
 * A command for the MCU, as text, with when it may go ({@code minClock}) and when it is needed
 * ({@code reqClock}); 0 for both when it may go at once.
 */
public record Outgoing(String text, long minClock, long reqClock) {}
