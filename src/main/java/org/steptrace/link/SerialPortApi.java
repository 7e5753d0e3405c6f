package org.steptrace.link;

import java.io.InputStream;
import java.io.OutputStream;

/**
 * The few things steptrace needs of a serial port, so the link's failure handling can be
 * tested without hardware. {@link #jSerialComm} is the real one.
 */
public interface SerialPortApi {
    /** Opens at {@code baud}, 8N1, no flow control, reads that wait for data; false if the system refused. */
    boolean open(int baud);

    /** The system's error code for the last failure (errno on Linux: 13 permission, 16 busy). */
    int lastErrorCode();

    InputStream input();

    OutputStream output();

    void close();

    /** Makes the port API for a device path. */
    @FunctionalInterface
    interface Factory {
        SerialPortApi forDevice(String path);
    }

    /** Serial ports through jSerialComm. */
    static Factory jSerialComm() {
        return path -> new SerialPortApi() {
            private final com.fazecast.jSerialComm.SerialPort port = com.fazecast.jSerialComm.SerialPort.getCommPort(path);

            @Override
            public boolean open(int baud) {
                port.setComPortParameters(baud, 8, com.fazecast.jSerialComm.SerialPort.ONE_STOP_BIT,
                        com.fazecast.jSerialComm.SerialPort.NO_PARITY);
                port.setFlowControl(com.fazecast.jSerialComm.SerialPort.FLOW_CONTROL_DISABLED);
                if (!port.openPort()) return false;
                // Semi-blocking reads: wait for the first byte, then return what has come (a fully
                // blocking read would wait to fill the whole buffer).
                port.setComPortTimeouts(com.fazecast.jSerialComm.SerialPort.TIMEOUT_READ_SEMI_BLOCKING, 0, 0);
                return true;
            }

            @Override
            public int lastErrorCode() {
                return port.getLastErrorCode();
            }

            @Override
            public InputStream input() {
                return port.getInputStream();
            }

            @Override
            public OutputStream output() {
                return port.getOutputStream();
            }

            @Override
            public void close() {
                port.closePort();
            }
        };
    }
}
