package org.steptrace.firmware;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.steptrace.protocol.McuTransport;
import org.steptrace.protocol.Message;

/** Opens the package-private {@link VirtualHost} to tests in sub-packages. */
public final class VirtualHostAccess {
    private final VirtualHost host;
    private int taken;

    public VirtualHostAccess(McuSpec spec, Function<McuTransport.Output, Mcu> factory) {
        this.host = new VirtualHost(spec, factory);
    }

    public void identify() {
        host.identify();
    }

    public void send(String... commands) {
        host.send(commands);
    }

    public void runFor(double seconds) {
        host.runFor(seconds);
    }

    public long nowTick() {
        return host.nowTick();
    }

    public Message query(String command, String response) {
        return host.query(command, response);
    }

    public List<Message> receivedNamed(String name) {
        return host.receivedNamed(name);
    }

    /** Messages of that name received since the last call. */
    public List<Message> takeReceived(String name) {
        List<Message> all = host.received;
        List<Message> out = new ArrayList<>();
        for (int i = taken; i < all.size(); i++) {
            if (all.get(i).name().equals(name)) out.add(all.get(i));
        }
        taken = all.size();
        return out;
    }
}
