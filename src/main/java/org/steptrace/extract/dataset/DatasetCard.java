package org.steptrace.extract.dataset;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.steptrace.extract.Category;
import org.steptrace.extract.Family;

/** The dataset's README.md: a card with a YAML header (licence, task, size, configs per split) and what a user needs to know. */
final class DatasetCard {
    private DatasetCard() {}

    @SuppressWarnings("unchecked")
    static String render(List<Entry> entries, Map<String, Object> stats, List<Family> families) {
        Map<String, Long> splits = (Map<String, Long>) stats.get("by_split");
        Map<String, Long> categories = (Map<String, Long>) stats.get("by_category");
        Map<String, Long> byFamily = (Map<String, Long>) stats.get("by_family");
        Map<String, Object> v = (Map<String, Object>) stats.get("verification");
        Map<String, Object> d = (Map<String, Object>) stats.get("dedup");
        Map<String, Object> t = (Map<String, Object>) stats.get("tokens");
        StringBuilder b = new StringBuilder();
        b.append("---\n");
        b.append("license: cc-by-4.0\n");
        b.append("language:\n- en\n");
        b.append("task_categories:\n- text-generation\n- question-answering\n");
        b.append("tags:\n- reasoning\n- control-systems\n- 3d-printing\n- rust\n- trace-grounded\n");
        b.append("size_categories:\n- ").append(sizeCategory(entries.size())).append('\n');
        b.append("configs:\n");
        for (String[] c : new String[][] {{"default", "sft.jsonl"}, {"prompt_completion", "sft_prompt_completion.jsonl"}, {"records", "records.jsonl"}}) {
            b.append("- config_name: ").append(c[0]).append('\n');
            b.append("  data_files:\n");
            for (String s : Splits.NAMES) {
                if (splits.getOrDefault(s, 0L) == 0) continue;
                b.append("  - split: ").append(s).append('\n');
                b.append("    path: data/").append(s).append('/').append(c[1]).append('\n');
            }
        }
        b.append("---\n\n");
        b.append("# steptrace printer-control reasoning dataset\n\n");
        b.append("Extended-reasoning problems about 3D-printer control (motion and kinematics, thermal management, error handling ")
                .append("and recovery, real-time control), each grounded in a trace of a board that steptrace observed and each ")
                .append("checked by running code. Made for fine-tuning Phi-4-mini-flash-reasoning.\n\n");
        b.append("## Summary\n\n");
        b.append(String.format(Locale.ROOT, "- Entries: %d (train %d, validation %d, test %d)%n", entries.size(), splits.get("train"),
                splits.get("validation"), splits.get("test")));
        b.append("- Trace groups: ").append(stats.get("trace_groups")).append(" (each a scenario run; a trace never straddles splits)\n");
        b.append("- Generator: steptrace ").append(stats.get("generator_version")).append(", seed ").append(stats.get("seed")).append('\n');
        b.append("- Licence: CC-BY-4.0 (the entries are steptrace's own text, written by its code from observations; no language model wrote them)\n\n");
        b.append("| Category | Entries |\n|---|---:|\n");
        for (Category c : Category.values()) b.append("| ").append(c.title()).append(" | ").append(categories.get(c.id())).append(" |\n");
        b.append("\n| Family | Category | Entries |\n|---|---|---:|\n");
        for (Family f : families) {
            long n = byFamily.getOrDefault(f.id(), 0L);
            if (n > 0) b.append("| ").append(f.id()).append(" | ").append(f.category().id()).append(" | ").append(n).append(" |\n");
        }
        b.append("\n## Structure\n\n");
        b.append("- `sft.jsonl`: `{\"messages\": [user, assistant]}`; the assistant turn is `<think>` reasoning `</think>` followed by ")
                .append("the solution in seven sections (Control System Problem, Physical Context & Constraints, Mathematical Analysis, ")
                .append("Rust Implementation Strategy, Safety Verification, Edge Case Analysis, Alternative Approaches & Trade-offs) ")
                .append("and a final `\\boxed{}` answer. No system message: the model's chat template adds its own.\n");
        b.append("- `sft_prompt_completion.jsonl`: the same as `prompt` = [user], `completion` = [assistant], for TRL.\n");
        b.append("- `records.jsonl`: full records with every check's result and provenance.\n");
        b.append("- `data/<split>/…`: the same three files per split (the configs above point there).\n");
        b.append("- `stats.json`: counts, verification rates, duplicates removed, token percentiles.\n\n");
        b.append("## Fields of records.jsonl\n\n");
        b.append("`id`, `schema_version`, `category`, `family`, `messages`, `problem`, `sections` (the seven, by snake_case key), ")
                .append("`final_answer` {value, unit, tolerance, boxed}, `verification` {numbers: [{name, stated, recomputed, tol, ok}], ")
                .append("rust: {rustc_version, compiled, tests_passed, diagnostics}, structure_ok}, `length` {prompt_tokens, ")
                .append("completion_tokens, tokenizer}, `dedup` {sha256, masked_sha256}, `provenance` {trace_id, trace_sha256, ")
                .append("records {from_line, to_line}, board, source (emulated or real), generator_version, seed}, `split`.\n\n");
        b.append("## How it was made and checked\n\n");
        b.append("Scenarios (prints, corners, short moves, homing, heat-ups, relay autotunes, on/off beds, every fault kind, lossy ")
                .append("serial links, stalled hosts) ran on emulated boards in virtual time, each recording a trace. Problem families ")
                .append("found observations in the traces and wrote entries from them. Before an entry was written:\n\n");
        b.append("1. Numbers: every number in the problem and the answer was recomputed from the trace by the family's own ")
                .append("independent code and compared within a stated tolerance; a number that is neither a recomputed quantity ")
                .append("nor a known constant fails the entry.\n");
        b.append("2. Rust: the one rust block is a complete std-only crate, compiled with rustc (edition 2021, warnings denied) ")
                .append("as a library and as a test binary; its tests assert the entry's trace-derived numbers and must pass. ");
        b.append(v.get("rustc_version") == null ? "**rustc was not available for this dataset: the Rust check was not run.**\n"
                : "Compiler: " + v.get("rustc_version") + ".\n");
        b.append("3. Structure: the think block, all seven sections non-empty and in order, one rust block, a boxed answer.\n");
        b.append("4. Prohibited content: no names of any particular firmware, its host program, files, modules, wire commands, ")
                .append("extended commands or configuration syntax.\n");
        b.append("5. Length: prompt at most 2,000 and completion at most 8,000 tokens (o200k); longer entries are dropped.\n");
        b.append("6. Duplicates: exact text, and near-duplicates by MinHash over word 5-grams of the numbers-masked problem ")
                .append("(Jaccard >= 0.8), are removed.\n\n");
        b.append(String.format(Locale.ROOT, "Candidates: %s; failed a check: %s; exact duplicates removed: %s; near duplicates removed: %s.%n%n",
                v.get("candidates"), v.get("failed_verification"), d.get("exact_duplicates_removed"), d.get("near_duplicates_removed")));
        Map<String, Object> c = (Map<String, Object>) t.get("completion");
        Map<String, Object> p = (Map<String, Object>) t.get("prompt");
        b.append(String.format(Locale.ROOT, "Tokens (o200k): prompt median %s, max %s; completion median %s, p90 %s, max %s.%n%n",
                p.get("p50"), p.get("max"), c.get("p50"), c.get("p90"), c.get("max")));
        b.append("## Limits\n\n");
        b.append("- The text is written by templates from observations: variety comes from the problems (boards, geometry, plants, ")
                .append("faults, what is asked), not from free writing; phrasing repeats across entries of a family.\n");
        b.append("- Emulated traces follow steptrace's own plant models (heater, thermistor, mechanics); real-board traces, ")
                .append("where included, carry `source: real` in their provenance.\n");
        b.append("- Verification proves the numbers agree with the trace and the code compiles and passes its tests; it does not ")
                .append("prove that every sentence of the reasoning is the best explanation.\n");
        return b.toString();
    }

    static String sizeCategory(int n) {
        if (n < 1000) return "n<1K";
        if (n < 10_000) return "1K<n<10K";
        if (n < 100_000) return "10K<n<100K";
        return "100K<n<1M";
    }
}
