package org.steptrace.extract.verify;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Compiles entries' Rust crates with rustc, many per call: each snippet becomes one public module
 * of a batch crate, checked as a library with warnings denied and built and run as a test binary.
 * A snippet whose lines draw an error is taken out and the rest compiled again, so one bad snippet
 * fails only itself. Where rustc is absent every result says so and none claims a check.
 */
public final class RustCheck {
    /** The outcome for one snippet. {@code rustcVersion} is null when rustc was not run. */
    public record Result(String rustcVersion, boolean compiled, boolean testsPassed, String diagnostics) {
        public boolean ok() {
            return compiled && testsPassed;
        }
    }

    private static final Pattern LOCATION = Pattern.compile("--> [^:\\n]*lib\\.rs:(\\d+):\\d+");
    private static final Pattern TEST_LINE = Pattern.compile("(?m)^test (e\\d+)::\\S+ \\.\\.\\. (ok|FAILED)$");
    private static final long TIMEOUT_S = 300;
    private final String rustc;
    private final String version;

    private RustCheck(String rustc, String version) {
        this.rustc = rustc;
        this.version = version;
    }

    /** rustc from the PATH (or $RUSTC), or an unavailable checker when there is none. */
    public static RustCheck find() {
        String exe = System.getenv().getOrDefault("RUSTC", "rustc");
        try {
            Process p = new ProcessBuilder(exe, "--version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0) return new RustCheck(exe, out);
        } catch (IOException e) {
            // no rustc: reported by available()
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new RustCheck(null, null);
    }

    public boolean available() {
        return rustc != null;
    }

    /** "rustc 1.x.y (…)", or null without rustc. */
    public String version() {
        return version;
    }

    /** Checks every snippet; the results are in the same order. */
    public List<Result> check(List<String> snippets, Path workDir) throws IOException {
        List<Result> results = new ArrayList<>();
        if (!available()) {
            for (int i = 0; i < snippets.size(); i++) results.add(new Result(null, false, false, "rustc not found: not checked"));
            return results;
        }
        Map<Integer, Result> byIndex = new HashMap<>();
        Map<Integer, String> pending = new LinkedHashMap<>();
        for (int i = 0; i < snippets.size(); i++) {
            String s = snippets.get(i);
            String shape = shapeProblem(s);
            if (shape != null) byIndex.put(i, new Result(version, false, false, shape));
            else pending.put(i, s);
        }
        Path dir = Files.createTempDirectory(workDir.toAbsolutePath(), "rust");
        try {
            while (!pending.isEmpty()) {
                Batch batch = new Batch(pending);
                Files.writeString(dir.resolve("lib.rs"), batch.source, StandardCharsets.UTF_8);
                Run lib = run(dir, List.of(rustc, "--edition", "2021", "--crate-type", "lib", "-D", "warnings", "--emit=metadata",
                        "--crate-name", "entries", "-o", dir.resolve("libentries.rmeta").toString(), "lib.rs"));
                Run test = lib.ok ? run(dir, List.of(rustc, "--edition", "2021", "--test", "-D", "warnings", "-C", "opt-level=0",
                        "-C", "debuginfo=0", "--crate-name", "entries", "-o", dir.resolve("entries-test").toString(), "lib.rs")) : null;
                Run failed = !lib.ok ? lib : !test.ok ? test : null;
                if (failed != null) {
                    List<Integer> culprits = batch.culprits(failed.output);
                    if (culprits.isEmpty()) {
                        // An error we cannot place: fail the batch, reporting the compiler's words.
                        for (int i : pending.keySet()) byIndex.put(i, new Result(version, false, false, trim(failed.output)));
                        pending.clear();
                    }
                    for (int i : culprits) {
                        byIndex.put(i, new Result(version, false, false, trim(batch.diagnosticsFor(i, failed.output))));
                        pending.remove(i);
                    }
                    continue;
                }
                Run tests = run(dir, List.of(dir.resolve("entries-test").toString(), "--test-threads=2"));
                Map<String, Boolean> passed = new HashMap<>();
                Matcher m = TEST_LINE.matcher(tests.output);
                while (m.find()) passed.merge(m.group(1), m.group(2).equals("ok"), Boolean::logicalAnd);
                for (Map.Entry<Integer, String> e : batch.modules.entrySet()) {
                    Boolean ok = passed.get(e.getValue());
                    String note = ok == null ? "no test ran" : ok ? "" : trim(failureOf(e.getValue(), tests.output));
                    byIndex.put(e.getKey(), new Result(version, true, ok != null && ok, note));
                }
                pending.clear();
            }
        } finally {
            deleteTree(dir);
        }
        for (int i = 0; i < snippets.size(); i++) results.add(byIndex.get(i));
        return results;
    }

    /** A snippet must be a crate that can sit in a module: no inner attributes, no main, a test module. */
    static String shapeProblem(String code) {
        if (code.contains("#![")) return "crate-level attributes are not allowed (the crate must compile as it is)";
        if (!code.contains("#[cfg(test)]") || !code.contains("#[test]")) return "no #[cfg(test)] module with a #[test]";
        if (code.contains("extern crate")) return "only std may be used";
        return null;
    }

    private static String failureOf(String module, String output) {
        int at = output.indexOf("---- " + module + "::");
        if (at < 0) return "test failed";
        int end = output.indexOf("\n\n", at);
        return output.substring(at, end < 0 ? output.length() : end);
    }

    private static String trim(String s) {
        return s.length() > 2000 ? s.substring(0, 2000) + "…" : s;
    }

    /** The batch crate: each snippet in {@code pub mod eN}, with the line span each occupies. */
    private static final class Batch {
        final String source;
        final Map<Integer, String> modules = new LinkedHashMap<>();
        final List<int[]> spans = new ArrayList<>(); // {index, firstLine, lastLine}

        Batch(Map<Integer, String> snippets) {
            StringBuilder b = new StringBuilder();
            int line = 1;
            for (Map.Entry<Integer, String> e : snippets.entrySet()) {
                String name = "e" + e.getKey();
                modules.put(e.getKey(), name);
                b.append("pub mod ").append(name).append(" {\n");
                int first = line + 1;
                String body = e.getValue().endsWith("\n") ? e.getValue() : e.getValue() + "\n";
                b.append(body).append("}\n");
                line = first + (int) body.chars().filter(c -> c == '\n').count() + 1;
                spans.add(new int[] {e.getKey(), first - 1, line - 1});
            }
            this.source = b.toString();
        }

        List<Integer> culprits(String output) {
            List<Integer> out = new ArrayList<>();
            Matcher m = LOCATION.matcher(output);
            while (m.find()) {
                int line = Integer.parseInt(m.group(1));
                for (int[] s : spans) {
                    if (line >= s[1] && line <= s[2] && !out.contains(s[0])) out.add(s[0]);
                }
            }
            return out;
        }

        String diagnosticsFor(int index, String output) {
            int[] span = spans.stream().filter(s -> s[0] == index).findFirst().orElseThrow();
            StringBuilder b = new StringBuilder();
            for (String block : output.split("\n\n")) {
                Matcher m = LOCATION.matcher(block);
                if (m.find()) {
                    int line = Integer.parseInt(m.group(1));
                    if (line >= span[1] && line <= span[2]) b.append(block.replaceAll("lib\\.rs:(\\d+)", "lib.rs:$1")).append("\n\n");
                }
            }
            return b.toString().strip();
        }
    }

    private record Run(boolean ok, String output) {}

    private static Run run(Path dir, List<String> command) throws IOException {
        // Output goes to a file, so a process that never ends cannot block the read and the timeout holds.
        Path log = Files.createTempFile(dir, "out", ".txt");
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            if (!p.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                return new Run(false, "timed out after " + TIMEOUT_S + " s");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running rustc", e);
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        Files.deleteIfExists(log);
        return new Run(p.exitValue() == 0, out);
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
