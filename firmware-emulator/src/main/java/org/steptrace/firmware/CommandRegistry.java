package org.steptrace.firmware;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.steptrace.protocol.Message;

/** The commands and responses a firmware build declares; the dictionary is built from it. */
public final class CommandRegistry {
    /** Runs one command. */
    @FunctionalInterface
    public interface Handler {
        void handle(Message command);
    }

    /** A command's format, whether it runs while shut down, and what it does. */
    public record Command(String format, boolean runsInShutdown, Handler handler) {}

    private final Map<String, Command> commands = new LinkedHashMap<>();
    private final List<String> responses = new ArrayList<>();

    public void command(String format, Handler handler) {
        add(new Command(format, false, handler));
    }

    /** A command that also runs while the MCU is shut down. */
    public void safeCommand(String format, Handler handler) {
        add(new Command(format, true, handler));
    }

    private void add(Command c) {
        if (commands.putIfAbsent(c.format(), c) != null) throw new IllegalStateException("command declared twice: " + c.format());
    }

    public void response(String format) {
        if (!responses.contains(format)) responses.add(format);
    }

    public Map<String, Command> commands() {
        return commands;
    }

    public List<String> responses() {
        return responses;
    }
}
