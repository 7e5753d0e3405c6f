package org.steptrace.extract.dataset;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.steptrace.extract.Family;

/** stats.json: counts, verification rates, duplicates and token percentiles. No timings, so a seed gives the same bytes. */
final class Stats {
    private Stats() {}

    static Map<String, Object> of(List<Entry> entries, Tally tally, long seed, String generatorVersion, String rustcVersion,
                                  List<Family> families) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("generator_version", generatorVersion);
        s.put("seed", seed);
        s.put("entries", entries.size());
        s.put("families_available", families.size());
        s.put("by_category", DatasetWriter.byCategory(entries));
        s.put("by_family", DatasetWriter.countBy(entries, e -> e.draft().familyId()));
        Map<String, Long> splits = new LinkedHashMap<>();
        for (String name : Splits.NAMES) splits.put(name, entries.stream().filter(e -> e.split().equals(name)).count());
        s.put("by_split", splits);
        s.put("trace_groups", entries.stream().map(e -> e.provenance().traceId()).distinct().count());
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("traces_read", tally.traces);
        v.put("traces_unreadable", tally.tracesUnreadable);
        v.put("candidates", tally.candidates);
        v.put("failed_verification", tally.verificationFailures());
        v.put("failed_by_check", tally.failuresByCheck);
        v.put("failed_by_family", tally.failuresByFamily);
        long nonRust = tally.verificationFailures() - tally.rustFailed;
        v.put("text_checks_pass_rate", tally.candidates == 0 ? 0.0 : round(1 - (double) nonRust / tally.candidates));
        v.put("rust_pass_rate", tally.rustChecked == 0 ? 0.0 : round(1 - (double) tally.rustFailed / tally.rustChecked));
        v.put("rustc_version", rustcVersion);
        v.put("rust_checked", tally.rustChecked);
        v.put("rust_failed", tally.rustFailed);
        v.put("rust_verified", rustcVersion != null);
        v.put("accepted", tally.accepted);
        s.put("verification", v);
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("exact_duplicates_removed", tally.exactDuplicates);
        d.put("near_duplicates_removed", tally.nearDuplicates);
        long offered = tally.accepted + tally.rustFailed + tally.exactDuplicates + tally.nearDuplicates;
        d.put("near_duplicate_rate_among_candidates", offered == 0 ? 0.0 : round((double) tally.nearDuplicates / offered));
        d.put("near_duplicate_rate_in_dataset", 0.0);
        d.put("method", "MinHash over word 5-grams of the numbers-masked problem, exact Jaccard >= " + NearDuplicates.THRESHOLD);
        s.put("dedup", d);
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("tokenizer", org.steptrace.extract.verify.TokenBudget.TOKENIZER);
        t.put("prompt", percentiles(entries.stream().map(e -> e.verification().promptTokens()).toList()));
        t.put("completion", percentiles(entries.stream().map(e -> e.verification().completionTokens()).toList()));
        s.put("tokens", t);
        return s;
    }

    static Map<String, Object> percentiles(List<Integer> values) {
        List<Integer> sorted = new ArrayList<>(values);
        sorted.sort(null);
        Map<String, Object> m = new LinkedHashMap<>();
        for (int p : new int[] {0, 50, 90, 99, 100}) {
            m.put(p == 0 ? "min" : p == 100 ? "max" : "p" + p, sorted.isEmpty() ? 0 : sorted.get(Math.min(sorted.size() - 1,
                    (int) Math.ceil(p / 100.0 * sorted.size()) - (p == 0 ? 0 : 1))));
        }
        return m;
    }

    private static double round(double x) {
        return Math.round(x * 1e6) / 1e6;
    }
}
