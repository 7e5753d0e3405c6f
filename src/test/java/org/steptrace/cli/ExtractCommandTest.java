package org.steptrace.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExtractCommandTest {
    @TempDir
    Path dir;

    private int run(StringWriter out, StringWriter err, String... args) {
        return Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    @Test
    void buildsADatasetFromTheSampleTraces() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Path ds = dir.resolve("ds");
        int code = run(out, err, "extract", "traces/samples/avr-cartesian.jsonl.gz", "traces/samples/arm-corexy.jsonl.gz",
                "traces/samples/arm-delta.jsonl.gz", "--out", ds.toString(), "--jobs", "2");
        assertEquals(0, code, out + "\n" + err);
        long records = Files.readAllLines(ds.resolve("records.jsonl")).size();
        assertTrue(records > 0, out.toString());
        assertTrue(out.toString().contains("dataset: " + ds), out.toString());
        assertTrue(Files.readString(ds.resolve("records.jsonl")).contains("\"source\":\"emulated\""));
    }

    @Test
    void aMalformedTraceIsNamedAndNothingIsWritten() throws Exception {
        Path bad = dir.resolve("bad.jsonl");
        Files.writeString(bad, "{\"type\":\"move\"}\n");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Path ds = dir.resolve("ds");
        int code = run(out, err, "extract", bad.toString(), "--out", ds.toString());
        assertEquals(2, code, err.toString());
        assertTrue(err.toString().contains(bad.toString()), err.toString());
        assertEquals(1, err.toString().strip().lines().filter(l -> !l.startsWith("warning")).count(), err.toString());
        assertFalse(Files.exists(ds));
    }
}
