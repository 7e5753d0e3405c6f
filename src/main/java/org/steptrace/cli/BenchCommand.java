package org.steptrace.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = {"Measure performance figures and print them as a table, one per line: name value unit."})
final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--seconds", defaultValue = "2.0", paramLabel = "S",
            description = "Measuring time per figure after warm-up (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--only", paramLabel = "GROUP", split = ",",
            description = "Run only these groups: protocol, emulator, plan, thermal, trace, generate (default: all).")
    java.util.List<String> only;

    @Option(names = "--generate-entries", defaultValue = "300", paramLabel = "N",
            description = "Entries the generate figure makes end to end (default: ${DEFAULT-VALUE}).")
    int generateEntries;

    private boolean wanted(String group) {
        return only == null || only.contains(group);
    }

    @Override
    public Integer call() {
        if (!(seconds > 0)) throw new UserInputException("--seconds must be positive");
        PrintWriter out = spec.commandLine().getOut();
        if (only != null) {
            for (String g : only) {
                if (!java.util.List.of("protocol", "emulator", "plan", "thermal", "trace", "generate").contains(g)) throw new UserInputException("--only: unknown group '" + g + "'");
            }
        }
        if (wanted("plan")) print(out, new org.steptrace.bench.PlanBench(seconds < 1 ? 2 : 60).run());
        if (wanted("protocol")) print(out, new org.steptrace.bench.ProtocolBench(seconds).run());
        if (wanted("emulator")) print(out, new org.steptrace.bench.EmulatorBench(seconds).run());
        if (wanted("thermal")) print(out, new org.steptrace.bench.ThermalBench(seconds).run());
        if (wanted("trace")) print(out, new org.steptrace.bench.TraceBench(seconds).run());
        if (wanted("generate")) print(out, new org.steptrace.bench.GenerateBench(generateEntries).run());
        return 0;
    }

    private static void print(PrintWriter out, java.util.List<org.steptrace.bench.BenchFigure> figures) {
        for (org.steptrace.bench.BenchFigure f : figures) {
            out.println(f.format());
            out.flush();
        }
    }
}
