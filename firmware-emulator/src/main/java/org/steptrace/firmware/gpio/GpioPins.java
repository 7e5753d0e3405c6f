package org.steptrace.firmware.gpio;

import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.gpio.digital.PullResistance;
import com.pi4j.io.spi.Spi;
import java.util.HashMap;
import java.util.Map;
import org.steptrace.firmware.PinIo;
import org.steptrace.firmware.board.GpioBoardSpec;
import org.steptrace.protocol.Enumeration;

/**
 * The MCU's pins on a Raspberry Pi through Pi4J: outputs and inputs on BCM GPIOs as the board
 * file maps them (made when the firmware first uses a pin, as an output or an input), step
 * pulses as a high-low toggle, analog pins read from an MCP3008 on SPI.
 */
public final class GpioPins implements PinIo {
    private final Context pi4j;
    private final Map<Integer, Integer> bcmByPin = new HashMap<>();
    private final Map<Integer, Integer> channelByPin = new HashMap<>();
    private final Map<Integer, String> nameByPin = new HashMap<>();
    private final Map<Integer, DigitalOutput> outputs = new HashMap<>();
    private final Map<Integer, DigitalInput> inputs = new HashMap<>();
    private final Spi spi;

    public GpioPins(Context pi4j, GpioBoardSpec spec) {
        this.pi4j = pi4j;
        Enumeration pins = Enumeration.fromDefinition("pin", spec.mcu().pins());
        spec.bcmByPin().forEach((name, bcm) -> {
            int pin = (int) (long) pins.valueOf(name).orElseThrow();
            bcmByPin.put(pin, bcm);
            nameByPin.put(pin, name);
        });
        spec.adcChannelByPin().forEach((name, ch) -> channelByPin.put((int) (long) pins.valueOf(name).orElseThrow(), ch));
        this.spi = spec.adcChannelByPin().isEmpty() ? null
                : pi4j.create(Spi.newConfigBuilder(pi4j).id("mcp3008").bus(spec.spiBus()).channel(spec.spiChipSelect())
                        .baud(spec.spiBaud()).mode(0).build());
    }

    private int bcm(int pin) {
        Integer b = bcmByPin.get(pin);
        if (b == null) throw new IllegalStateException("pin " + pin + " is not wired to a GPIO in the board file");
        return b;
    }

    private DigitalOutput output(int pin) {
        return outputs.computeIfAbsent(pin, p -> pi4j.create(DigitalOutput.newConfigBuilder(pi4j).id(nameByPin.get(p))
                .address(bcm(p)).initial(DigitalState.LOW).build()));
    }

    private DigitalInput input(int pin) {
        return inputs.computeIfAbsent(pin, p -> pi4j.create(DigitalInput.newConfigBuilder(pi4j).id(nameByPin.get(p))
                .address(bcm(p)).pull(PullResistance.PULL_UP).build()));
    }

    @Override
    public int readDigital(int pin, long tick) {
        return input(pin).state() == DigitalState.HIGH ? 1 : 0;
    }

    @Override
    public int readAdc(int pin, long tick) {
        Integer ch = channelByPin.get(pin);
        if (ch == null || spi == null) return 0;
        byte[] frame = Mcp3008.request(ch);
        spi.transfer(frame, 0, frame, 0, Mcp3008.FRAME_BYTES);
        return Mcp3008.value(frame);
    }

    @Override
    public void writeDigital(int pin, int level, long tick) {
        output(pin).state(level != 0 ? DigitalState.HIGH : DigitalState.LOW);
    }

    @Override
    public void stepped(int stepPin, long tick, int position) {
        // A step is one pulse; the driver latches the rising edge.
        DigitalOutput o = output(stepPin);
        o.high();
        o.low();
    }
}
