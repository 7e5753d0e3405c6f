package org.steptrace.cli;

/** A {@code --tcp HOST:PORT} value (HOST defaults to 127.0.0.1), checked as users type it. */
record HostPort(String host, int port) {
    static HostPort parse(String text) {
        int colon = text.lastIndexOf(':');
        String host = colon <= 0 ? "127.0.0.1" : text.substring(0, colon);
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new UserInputException("--tcp '" + text + "' is not HOST:PORT");
        }
        if (port < 0 || port > 65535) throw new UserInputException("--tcp port " + port + " is outside 0..65535");
        return new HostPort(host, port);
    }
}
