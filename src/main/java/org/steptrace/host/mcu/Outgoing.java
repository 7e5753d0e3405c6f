package org.steptrace.host.mcu;

import org.steptrace.protocol.Message;

/**
 * A command for the MCU with when it may go ({@code minClock}) and when it is needed
 * ({@code reqClock}); 0 for both when it may go at once.
 */
public record Outgoing(Message message, long minClock, long reqClock) {}
