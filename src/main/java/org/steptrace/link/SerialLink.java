package org.steptrace.link;

import com.fazecast.jSerialComm.SerialPort;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A host's serial connection to a board: a USB or UART device, a pty, or a symlink to one. */
public final class SerialLink extends StreamLink {
    private SerialLink(SerialPort port, String address) {
        super(port.getInputStream(), port.getOutputStream(), address, port::closePort);
    }

    /** Opens {@code device} at {@code baud}; a missing, busy or forbidden device is an IOException that says which. */
    public static SerialLink open(String device, int baud) throws IOException {
        Path p = Path.of(device);
        if (!Files.exists(p)) throw new IOException(device + ": no such device");
        if (!Files.isReadable(p) || !Files.isWritable(p)) throw new IOException(device + ": permission denied");
        // jSerialComm resolves symlinks itself only by name; give it the real device.
        SerialPort port = SerialPort.getCommPort(p.toRealPath().toString());
        port.setComPortParameters(baud, 8, SerialPort.ONE_STOP_BIT, SerialPort.NO_PARITY);
        port.setFlowControl(SerialPort.FLOW_CONTROL_DISABLED);
        if (!port.openPort()) throw new IOException(device + ": cannot open (busy, or not a serial device)");
        // Blocking reads: the reader thread waits for bytes instead of spinning.
        port.setComPortTimeouts(SerialPort.TIMEOUT_READ_BLOCKING, 0, 0);
        return new SerialLink(port, device);
    }
}
