package org.steptrace.cli;

import java.io.PrintWriter;
import org.steptrace.protocol.ProtocolException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The steptrace command line: one subcommand per job. */
@Command(
        name = "steptrace",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Hardware-in-the-loop lab for 3D-printer control: host, emulated MCU, traces, dataset.",
        subcommands = {GenerateCommand.class, ExtractCommand.class, DecodeCommand.class, PlanCommand.class, RunCommand.class, EmulateCommand.class, ConnectCommand.class, ConsoleCommand.class, TraceCommand.class, BenchCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs a command line with the given streams; returns the exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            commandLine.getErr().println("steptrace " + commandLine.getCommandName() + ": " + describe(ex));
            commandLine.getErr().flush();
            return ex instanceof UserInputException || ex instanceof ProtocolException ? 2 : 1;
        });
        return cli.execute(args);
    }

    private static String describe(Exception ex) {
        if (ex instanceof UserInputException || ex instanceof ProtocolException) return ex.getMessage();
        return ex.getClass().getSimpleName() + ": " + ex.getMessage();
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"steptrace " + number()};
        }

        /** The build's version, as traces and datasets record it. */
        static String number() {
            String v = Main.class.getPackage().getImplementationVersion();
            return v == null ? "development build" : v;
        }
    }
}
