package org.steptrace.link;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

/** A host's TCP connection to a served board. */
public final class TcpClientLink extends StreamLink {
    private TcpClientLink(Socket s, String address) throws IOException {
        super(s.getInputStream(), s.getOutputStream(), address, () -> {
            try {
                s.close();
            } catch (IOException ignored) {
                // Closing: nothing left to tell anyone.
            }
        });
    }

    /** Connects to {@code host:port}; a refused or unreachable address is an IOException that says so. */
    public static TcpClientLink connect(String host, int port) throws IOException {
        Socket s = new Socket();
        try {
            s.connect(new InetSocketAddress(host, port), 5000);
            s.setTcpNoDelay(true);
        } catch (IOException e) {
            s.close();
            throw new IOException("cannot connect to " + host + ":" + port + ": " + e.getMessage(), e);
        }
        return new TcpClientLink(s, "tcp://" + host + ":" + port);
    }
}
