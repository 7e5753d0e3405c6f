package org.steptrace.extract.verify;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.steptrace.extract.Draft;
import org.steptrace.extract.Family;
import org.steptrace.extract.Quantity;
import org.steptrace.extract.observations.TraceView;

/**
 * Checks an entry as written (its problem and assistant texts, not the writer's objects): numbers
 * against the family's independent recomputation from the trace, structure, prohibited content and
 * the token budget. The Rust check runs in batches afterwards ({@link RustCheck}).
 */
public final class Verifier {
    private final TokenBudget tokens = new TokenBudget();

    public Verification check(Family family, TraceView trace, Draft draft, String problem, String assistant) {
        List<String> problems = new ArrayList<>();
        Map<String, Double> recomputed;
        try {
            recomputed = family.recompute(trace, draft.finding().ref());
        } catch (RuntimeException e) {
            recomputed = Map.of();
            problems.add("recomputation failed: " + e);
        }
        List<NumberCheck.Result> numbers = NumberCheck.check(problem + "\n" + assistant, draft.quantities(), recomputed, draft.literals(), problems);
        checkBoxed(draft, assistant, recomputed, problems);
        List<String> structure = StructureCheck.problems(assistant);
        problems.addAll(structure);
        for (String p : ProhibitedContent.findings(problem + "\n" + assistant)) problems.add("prohibited: " + p);
        int promptTokens = tokens.count(problem);
        int completionTokens = tokens.count(assistant);
        if (promptTokens > TokenBudget.MAX_PROMPT_TOKENS) problems.add("prompt has " + promptTokens + " tokens (cap " + TokenBudget.MAX_PROMPT_TOKENS + ")");
        if (completionTokens > TokenBudget.MAX_COMPLETION_TOKENS) {
            problems.add("completion has " + completionTokens + " tokens (cap " + TokenBudget.MAX_COMPLETION_TOKENS + ")");
        }
        return new Verification(numbers, null, structure.isEmpty(), problems, promptTokens, completionTokens);
    }

    /** The boxed numbers, in order, must be the answer's quantities as recomputed. */
    private static void checkBoxed(Draft draft, String assistant, Map<String, Double> recomputed, List<String> problems) {
        String boxed = StructureCheck.boxed(assistant);
        if (boxed == null) return; // the structure check reports it
        List<NumberTokens.Token> shown = NumberTokens.in(boxed);
        List<String> names = draft.answer().quantities();
        if (shown.size() != names.size()) {
            problems.add(String.format(Locale.ROOT, "the boxed answer shows %d numbers for %d quantities", shown.size(), names.size()));
            return;
        }
        for (int i = 0; i < names.size(); i++) {
            Quantity q = draft.quantity(names.get(i));
            Double r = recomputed.get(q.name());
            NumberTokens.Token t = shown.get(i);
            if (r == null || Math.abs(t.value() - r) > NumberCheck.tolerance(q.relTol(), r, t.halfUlp())) {
                problems.add("boxed " + t.text() + " is not " + q.name() + " as recomputed (" + r + ")");
            }
        }
    }
}
