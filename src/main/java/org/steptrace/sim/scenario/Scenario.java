package org.steptrace.sim.scenario;

import java.util.List;
import org.steptrace.firmware.faults.Fault;
import org.steptrace.link.VirtualWire;

/**
 * One run of the scenario library: a board, a printer config (the board's own with some limits
 * varied), a G-code program, the faults injected and the wire's damage, all fixed by the seed.
 * {@code id} names the trace file; {@code kind} the kind of situation (print, corners, homing,
 * heat-up, autotune, bed, fault-…, lossy-link, late-host).
 */
public record Scenario(String id, String kind, String board, long seed, String printerConfigText, List<String> gcode,
                       List<Fault> faults, VirtualWire.Impairment impairment, double plantScale, String description) {
    public Scenario {
        gcode = List.copyOf(gcode);
        faults = List.copyOf(faults);
    }
}
