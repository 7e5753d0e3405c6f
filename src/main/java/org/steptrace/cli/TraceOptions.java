package org.steptrace.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.steptrace.trace.TraceRecord;
import org.steptrace.trace.TraceServer;
import org.steptrace.trace.TraceSink;
import org.steptrace.trace.TraceWriter;
import picocli.CommandLine.Option;

/** Where a command's trace goes: a file, a live WebSocket stream, both or neither (shared by run and emulate). */
final class TraceOptions implements AutoCloseable {
    @Option(names = "--trace", paramLabel = "FILE",
            description = "Record behaviour as JSON Lines (gzip if FILE ends in .gz); see traces/SCHEMA.md.")
    Path trace;

    @Option(names = "--serve-traces", paramLabel = "PORT", description = "Stream the records live over a WebSocket on PORT (read-only).")
    Integer servePort;

    @Option(names = "--serve-bind", defaultValue = "127.0.0.1", paramLabel = "ADDR",
            description = "Address the trace stream listens on (default: ${DEFAULT-VALUE}).")
    String serveBind;

    @Option(names = "--trace-step-clocks", description = "Also list every step's clock in step batch records (larger traces).")
    boolean stepClocks;

    private TraceWriter writer;
    private TraceServer server;

    /** Opens what was asked for; the sink records to all of it. */
    TraceSink open(TraceRecord.Header header, PrintWriter out) throws IOException {
        TraceSink sink = TraceSink.NONE;
        if (trace != null) {
            try {
                writer = TraceWriter.create(trace, header);
            } catch (NoSuchFileException e) {
                throw new UserInputException("--trace " + trace + ": no such directory");
            }
            sink = writer;
        }
        if (servePort != null) {
            try {
                server = TraceServer.start(serveBind, servePort, header);
            } catch (RuntimeException e) {
                throw new UserInputException("--serve-traces cannot listen on " + serveBind + ":" + servePort + ": " + e.getMessage(), e);
            }
            out.println("streaming trace records on " + server.address());
            out.flush();
            sink = TraceSink.tee(sink, server);
        }
        return stepClocks && sink.enabled() ? org.steptrace.trace.StepClocks.expanding(sink) : sink;
    }

    /** The live stream, if one was asked for. */
    TraceServer server() {
        return server;
    }

    @Override
    public void close() throws IOException {
        if (server != null) server.close();
        if (writer != null) writer.close();
    }
}
