package org.steptrace.host.mcu;

import java.util.HashMap;
import java.util.Map;

/**
 * The host's half of trigger synchronisation: while a trsync is armed, each of its periodic
 * reports pushes its timeout further out (so the MCU stops the move only if the host goes
 * quiet), and the report that says it can no longer trigger records why it triggered.
 */
public final class TrsyncWatch {
    private final McuConnection connection;
    private final ClockSync sync;
    private final Map<Integer, Long> timeoutTicksByOid = new HashMap<>();
    private final Map<Integer, Integer> reasonByOid = new HashMap<>();

    public TrsyncWatch(McuConnection connection, ClockSync sync) {
        this.connection = connection;
        this.sync = sync;
        connection.onMessage("trsync_state", m -> {
            int oid = m.getInt("oid");
            Long timeout = timeoutTicksByOid.get(oid);
            if (timeout == null) return;
            if (m.getLong("can_trigger") != 0) {
                long clock = sync.extend(m.getLong("clock"));
                connection.send("trsync_set_timeout oid=" + oid + " clock=" + ((clock + timeout) & 0xFFFFFFFFL));
            } else {
                reasonByOid.putIfAbsent(oid, m.getInt("trigger_reason"));
            }
        });
    }

    /** Starts watching {@code oid}, whose timeout lies {@code timeoutTicks} past each report. */
    public void arm(int oid, long timeoutTicks) {
        timeoutTicksByOid.put(oid, timeoutTicks);
        reasonByOid.remove(oid);
    }

    public void disarm(int oid) {
        timeoutTicksByOid.remove(oid);
    }

    /** Whether {@code oid} has reported that it triggered. */
    public boolean triggered(int oid) {
        return reasonByOid.containsKey(oid);
    }
}
