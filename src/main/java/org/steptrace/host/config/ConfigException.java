package org.steptrace.host.config;

/** A printer config that cannot be used; the message starts with file:line. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
