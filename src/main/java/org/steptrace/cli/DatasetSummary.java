package org.steptrace.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.steptrace.extract.dataset.DatasetWriter;
import org.steptrace.extract.dataset.Tally;

/** The summary generate and extract print when a dataset is written. */
final class DatasetSummary {
    private DatasetSummary() {}

    @SuppressWarnings("unchecked")
    static void print(PrintWriter out, DatasetWriter.Written w, Tally tally, double wallS) {
        Map<String, Object> s = w.stats();
        Map<String, Long> split = (Map<String, Long>) s.get("by_split");
        out.printf(Locale.ROOT, "dataset: %s — %d entries (train %d, validation %d, test %d) from %d traces in %.1f s%n", w.folder(),
                w.entries().size(), split.get("train"), split.get("validation"), split.get("test"), tally.traces(), wallS);
        out.println("by category:");
        ((Map<String, Long>) s.get("by_category")).forEach((k, v) -> out.printf(Locale.ROOT, "  %-16s %6d%n", k, v));
        out.println("by family:");
        ((Map<String, Long>) s.get("by_family")).forEach((k, v) -> out.printf(Locale.ROOT, "  %-34s %6d%n", k, v));
        Map<String, Object> v = (Map<String, Object>) s.get("verification");
        out.printf(Locale.ROOT, "verification: %d candidates, text checks pass %.1f %%, rust pass %.1f %% (%s)%n", tally.candidates(),
                100 * (double) v.get("text_checks_pass_rate"), 100 * (double) v.get("rust_pass_rate"),
                v.get("rustc_version") == null ? "rustc NOT available: Rust not verified" : v.get("rustc_version"));
        if (!tally.failuresByCheck().isEmpty()) {
            out.println("  failed by check: " + tally.failuresByCheck());
            tally.firstReasons().forEach((check, why) -> out.println("  first " + check + " failure: " + firstLine(why)));
        }
        out.printf(Locale.ROOT, "duplicates removed: %d exact, %d near (%.1f %% of candidates that passed the text checks)%n",
                tally.exactDuplicates(), tally.nearDuplicates(),
                100 * (double) ((Map<String, Object>) s.get("dedup")).get("near_duplicate_rate_among_candidates"));
        Map<String, Object> t = (Map<String, Object>) s.get("tokens");
        Map<String, Object> c = (Map<String, Object>) t.get("completion");
        Map<String, Object> p = (Map<String, Object>) t.get("prompt");
        out.printf(Locale.ROOT, "tokens (o200k): prompt p50 %s max %s; completion p50 %s p90 %s p99 %s max %s%n", p.get("p50"), p.get("max"),
                c.get("p50"), c.get("p90"), c.get("p99"), c.get("max"));
        out.flush();
    }

    private static String firstLine(String s) {
        String one = s.strip().lines().findFirst().orElse("");
        return one.length() > 300 ? one.substring(0, 300) + "…" : one;
    }

    /** A one-line progress bar, redrawn in place on a terminal and printed as lines otherwise. */
    static final class Progress {
        private final PrintWriter err;
        private final boolean terminal = System.console() != null;
        private final int target;

        Progress(PrintWriter err, int target) {
            this.err = err;
            this.target = target;
        }

        void show(int scenarios, long entries) {
            int width = 30;
            int filled = (int) Math.min(width, Math.round(width * (double) entries / Math.max(1, target)));
            String bar = "[" + "#".repeat(filled) + ".".repeat(width - filled) + "]";
            String line = String.format(Locale.ROOT, "%s %d/%d entries, %d scenarios run", bar, Math.min(entries, target), target, scenarios);
            if (terminal) {
                err.print("\r" + line);
            } else {
                err.println(line);
            }
            err.flush();
        }

        void done() {
            if (terminal) {
                err.println();
                err.flush();
            }
        }
    }
}
