package org.steptrace.cli;

import java.io.PrintWriter;
import java.util.Locale;
import org.steptrace.host.toolhead.LiveHost;

/** How run and connect show what a live print did: step counters side by side, the toolhead's end. */
final class LiveReport {
    private LiveReport() {}

    static void print(PrintWriter out, LiveHost.Result r) {
        out.printf(Locale.ROOT, "%-12s %14s %14s%n", "stepper", "MCU position", "host position");
        for (String name : r.mcuStepPositions().keySet()) {
            out.printf(Locale.ROOT, "%-12s %14d %14d%n", name, r.mcuStepPositions().get(name), r.commandedStepPositions().get(name));
        }
        double[] p = r.positionMm();
        out.printf(Locale.ROOT, "toolhead (host):     X %.4f Y %.4f Z %.4f E %.4f%n", p[0], p[1], p[2], p[3]);
    }
}
