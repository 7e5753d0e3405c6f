package org.steptrace.link;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A host's serial connection to a board: a USB or UART device, a pty, or a symlink to one. */
public final class SerialLink extends StreamLink {
    static final int EACCES = 13;
    static final int EBUSY = 16;

    private SerialLink(SerialPortApi port, String address) {
        super(port.input(), port.output(), address, port::close);
    }

    /** Opens {@code device} at {@code baud} through jSerialComm. */
    public static SerialLink open(String device, int baud) throws IOException {
        return open(device, baud, SerialPortApi.jSerialComm());
    }

    /**
     * Opens {@code device} at {@code baud}; a missing, forbidden or busy device is an
     * IOException that says which.
     */
    public static SerialLink open(String device, int baud, SerialPortApi.Factory ports) throws IOException {
        Path p = Path.of(device);
        if (!Files.exists(p)) throw new IOException(device + ": no such device");
        if (!Files.isReadable(p) || !Files.isWritable(p)) throw new IOException(device + ": permission denied");
        // Opened by its real path: a symlink (a udev name, an emulator's pty link) works like the device.
        SerialPortApi port = ports.forDevice(p.toRealPath().toString());
        if (!port.open(baud)) {
            int code = port.lastErrorCode();
            String why = code == EACCES ? "permission denied" : code == EBUSY ? "busy (another program has it open)"
                    : "cannot open (error " + code + "; not a serial device?)";
            throw new IOException(device + ": " + why);
        }
        return new SerialLink(port, device);
    }
}
