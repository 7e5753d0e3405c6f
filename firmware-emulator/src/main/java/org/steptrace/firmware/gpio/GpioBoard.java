package org.steptrace.firmware.gpio;

import com.pi4j.context.Context;
import org.steptrace.firmware.Mcu;
import org.steptrace.firmware.McuTap;
import org.steptrace.firmware.RealtimeRunner;
import org.steptrace.firmware.board.GpioBoardSpec;
import org.steptrace.protocol.McuTransport;

/** The MCU with its pins on a Raspberry Pi's GPIO: real switches, drivers, heaters and an MCP3008. */
public final class GpioBoard implements RealtimeRunner.Target {
    private final Mcu mcu;

    public GpioBoard(GpioBoardSpec spec, Context pi4j, McuTap tap, McuTransport.Output output) {
        this.mcu = new Mcu(spec.mcu(), new GpioPins(pi4j, spec), tap, output);
    }

    @Override
    public Mcu mcu() {
        return mcu;
    }

    /** The world behind the pins is real: nothing to advance. */
    @Override
    public void advanceTo(double seconds) {}
}
