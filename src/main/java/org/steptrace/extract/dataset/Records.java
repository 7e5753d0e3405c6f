package org.steptrace.extract.dataset;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.steptrace.extract.Completion;
import org.steptrace.extract.Draft;
import org.steptrace.extract.Quantity;
import org.steptrace.extract.Sections;
import org.steptrace.extract.verify.NumberCheck;
import org.steptrace.extract.verify.TokenBudget;

/** The JSON shapes of a dataset's files, built as ordered maps so every run writes the same bytes. */
final class Records {
    static final int SCHEMA_VERSION = 1;

    private Records() {}

    static List<Map<String, Object>> messages(Entry e) {
        List<Map<String, Object>> m = new ArrayList<>();
        m.add(message("user", e.problem()));
        m.add(message("assistant", e.assistant()));
        return m;
    }

    static Map<String, Object> sft(Entry e) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("messages", messages(e));
        return r;
    }

    static Map<String, Object> promptCompletion(Entry e) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("prompt", List.of(message("user", e.problem())));
        r.put("completion", List.of(message("assistant", e.assistant())));
        return r;
    }

    static Map<String, Object> full(Entry e) {
        Draft d = e.draft();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("id", e.id());
        r.put("schema_version", SCHEMA_VERSION);
        r.put("category", d.category().id());
        r.put("family", d.familyId());
        r.put("messages", messages(e));
        r.put("problem", e.problem());
        Map<String, Object> sections = new LinkedHashMap<>();
        List<String> bodies = d.sections().inOrder();
        for (int i = 0; i < bodies.size(); i++) sections.put(Sections.KEYS.get(i), bodies.get(i).strip());
        r.put("sections", sections);
        Map<String, Object> answer = new LinkedHashMap<>();
        List<Object> values = new ArrayList<>();
        for (String name : d.answer().quantities()) {
            Quantity q = d.quantity(name);
            values.add(Double.parseDouble(q.text()));
        }
        answer.put("value", values.size() == 1 ? values.get(0) : values);
        answer.put("unit", d.answer().unit());
        answer.put("tolerance", d.answer().tolerance());
        answer.put("boxed", Completion.boxed(d));
        r.put("final_answer", answer);
        Map<String, Object> verification = new LinkedHashMap<>();
        List<Object> numbers = new ArrayList<>();
        for (NumberCheck.Result n : e.verification().numbers()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("name", n.name());
            x.put("stated", n.stated());
            x.put("recomputed", n.recomputed());
            x.put("tol", n.tol());
            x.put("ok", n.ok());
            numbers.add(x);
        }
        verification.put("numbers", numbers);
        Map<String, Object> rust = new LinkedHashMap<>();
        rust.put("rustc_version", e.verification().rust().rustcVersion());
        rust.put("compiled", e.verification().rust().compiled());
        rust.put("tests_passed", e.verification().rust().testsPassed());
        rust.put("diagnostics", e.verification().rust().diagnostics());
        verification.put("rust", rust);
        verification.put("structure_ok", e.verification().structureOk());
        r.put("verification", verification);
        Map<String, Object> length = new LinkedHashMap<>();
        length.put("prompt_tokens", e.verification().promptTokens());
        length.put("completion_tokens", e.verification().completionTokens());
        length.put("tokenizer", TokenBudget.TOKENIZER);
        r.put("length", length);
        Map<String, Object> dedup = new LinkedHashMap<>();
        dedup.put("sha256", e.sha256());
        dedup.put("masked_sha256", e.maskedSha256());
        r.put("dedup", dedup);
        Entry.Provenance p = e.provenance();
        Map<String, Object> prov = new LinkedHashMap<>();
        prov.put("trace_id", p.traceId());
        prov.put("trace_sha256", p.traceSha256());
        Map<String, Object> range = new LinkedHashMap<>();
        range.put("from_line", p.fromLine());
        range.put("to_line", p.toLine());
        prov.put("records", range);
        prov.put("board", p.board());
        prov.put("source", p.source());
        prov.put("generator_version", p.generatorVersion());
        prov.put("seed", p.seed());
        r.put("provenance", prov);
        r.put("split", e.split());
        return r;
    }

    private static Map<String, Object> message(String role, String content) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("role", role);
        m.put("content", content);
        return m;
    }
}
