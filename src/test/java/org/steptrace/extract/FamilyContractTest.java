package org.steptrace.extract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.steptrace.extract.families.Families;
import org.steptrace.extract.observations.TraceView;
import org.steptrace.extract.verify.NumberCheck;
import org.steptrace.extract.verify.NumberTokens;
import org.steptrace.extract.verify.RustCheck;
import org.steptrace.extract.verify.StructureCheck;
import org.steptrace.extract.verify.Verification;
import org.steptrace.extract.verify.Verifier;

/**
 * What every family must do on real traces: find observations, write entries that pass every
 * check (numbers, structure, prohibited content, tokens, Rust), and be rejected when one number
 * of the text, or one expected value of its Rust test, is changed.
 * {@code -Dsteptrace.family=ID} narrows the run to one family.
 */
class FamilyContractTest {
    private static final RustCheck RUST = RustCheck.find();
    private final Verifier verifier = new Verifier();

    @TempDir
    Path work;

    static Stream<Family> families() {
        String only = System.getProperty("steptrace.family", "");
        return Families.all().stream().filter(f -> only.isEmpty() || f.id().equals(only));
    }

    /** Up to three written entries of {@code family}, from different traces. */
    private List<Written> entries(Family family) {
        List<Written> out = new ArrayList<>();
        for (TraceView t : ScenarioTraces.all()) {
            List<Finding> found = family.find(t);
            if (found.isEmpty()) continue;
            Finding f = found.get(found.size() / 2);
            Draft d = family.write(t, f, new SplittableRandom(out.size() + 17));
            out.add(new Written(t, d, d.problem(), Completion.assistant(d)));
            if (out.size() == 3) break;
        }
        return out;
    }

    record Written(TraceView trace, Draft draft, String problem, String assistant) {}

    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void entriesFromRealTracesPassEveryCheck(Family family) throws Exception {
        List<Written> written = entries(family);
        assertFalse(written.isEmpty(), family.id() + " found nothing in the scenario traces");
        List<String> code = new ArrayList<>();
        for (Written w : written) {
            Verification v = verifier.check(family, w.trace(), w.draft(), w.problem(), w.assistant());
            assertEquals(List.of(), v.problems(), family.id() + " on " + w.trace().id() + ":\n" + w.problem() + "\n" + w.assistant());
            code.add(StructureCheck.rustCode(w.assistant()));
        }
        assumeTrue(RUST.available(), "rustc not installed");
        List<RustCheck.Result> results = RUST.check(code, work);
        for (int i = 0; i < results.size(); i++) {
            assertTrue(results.get(i).ok(), family.id() + ": " + results.get(i).diagnostics() + "\n" + code.get(i));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void oneChangedNumberIsRejected(Family family) {
        Written w = entries(family).get(0);
        String solution = w.assistant().substring(w.assistant().indexOf("</think>"));
        int changed = 0;
        for (Quantity q : w.draft().quantities()) {
            String text = q.text();
            if (Double.parseDouble(text) == 0 || NumberTokens.in(solution).stream().noneMatch(t -> t.text().equals(text))) continue;
            String other = mutate(text, w.draft());
            String assistant = replaceFirstToken(w.assistant(), text, other);
            Verification v = verifier.check(family, w.trace(), w.draft(), w.problem(), assistant);
            assertFalse(v.passed(), family.id() + ": changing " + q.name() + " from " + text + " to " + other + " was not caught");
            changed++;
        }
        assertTrue(changed > 0, family.id() + " states no number in its solution");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void oneFlippedSignIsRejected(Family family) {
        Written w = entries(family).get(0);
        int from = w.assistant().indexOf("</think>");
        int flipped = 0;
        for (Quantity q : w.draft().quantities()) {
            if (Double.parseDouble(q.text()) == 0) continue;
            NumberTokens.Token t = NumberTokens.in(w.assistant()).stream().filter(x -> x.offset() > from && x.text().equals(q.text()))
                    .findFirst().orElse(null);
            if (t == null) continue;
            String other = t.text().startsWith("-") ? t.text().substring(1) : "-" + t.text();
            String assistant = w.assistant().substring(0, t.offset()) + other + w.assistant().substring(t.offset() + t.text().length());
            // Only where the flipped text reads as the flipped number (a minus glued to a word would be a hyphen),
            // and where no other quantity or constant of the entry has the flipped value (a symmetric pair, say).
            if (NumberTokens.in(assistant).stream().noneMatch(x -> x.offset() == t.offset() && x.text().equals(other))) continue;
            if (explainedOtherwise(w.draft(), other)) continue;
            Verification v = verifier.check(family, w.trace(), w.draft(), w.problem(), assistant);
            assertFalse(v.passed(), family.id() + ": flipping the sign of " + q.name() + " (" + q.text() + ") was not caught");
            flipped++;
        }
        assertTrue(flipped > 0, family.id() + " states no signed-readable number in its solution");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void aChangedRustExpectationIsRejected(Family family) throws Exception {
        assumeTrue(RUST.available(), "rustc not installed");
        Written w = entries(family).get(0);
        String code = StructureCheck.rustCode(w.assistant());
        int tests = code.indexOf("#[cfg(test)]");
        assertTrue(tests >= 0);
        // The first stated quantity on an assert line of the test module: an expected value.
        String testPart = code.substring(tests);
        NumberTokens.Token target = null;
        for (NumberTokens.Token t : NumberTokens.in(testPart)) {
            int lineStart = testPart.lastIndexOf('\n', t.offset()) + 1;
            int lineEnd = testPart.indexOf('\n', t.offset());
            boolean onAssert = testPart.substring(lineStart, lineEnd < 0 ? testPart.length() : lineEnd).contains("assert");
            boolean stated = w.draft().quantities().stream().anyMatch(q -> q.text().equals(t.text()));
            if (stated && onAssert && t.value() != 0) {
                target = t;
                break;
            }
        }
        assertNotNull(target, family.id() + ": its Rust tests assert none of its stated numbers");
        String changed = code.substring(0, tests + target.offset()) + mutate(target.text(), w.draft())
                + code.substring(tests + target.offset() + target.text().length());
        RustCheck.Result r = RUST.check(List.of(changed), work).get(0);
        assertFalse(r.ok(), family.id() + ": changing the expected " + target.text() + " still passed");
        assertTrue(r.compiled(), family.id() + ": the changed crate should still compile: " + r.diagnostics());
    }

    /**
     * The number scaled (and shifted, for integers), printed with the same decimals: the first of a
     * few factors whose result no other quantity or constant of the entry explains, since a change
     * onto such a value is not wrong by the numbers alone.
     */
    static String mutate(String text, Draft draft) {
        for (double factor : new double[] {1.37, 1.53, 1.71, 1.89, 2.13}) {
            String m = scaled(text, factor);
            if (!explainedOtherwise(draft, m)) return m;
        }
        throw new IllegalStateException("every change of " + text + " lands on a value the entry explains anyway");
    }

    private static String scaled(String text, double factor) {
        double v = Double.parseDouble(text);
        int dot = text.indexOf('.');
        int e = text.toLowerCase().indexOf('e');
        if (e >= 0) return String.format(java.util.Locale.ROOT, "%." + Math.max(0, e - dot - 1) + "e", v * factor).replaceAll("e([+-])0*(\\d)", "e$1$2").replace("e+", "e");
        int decimals = dot < 0 ? 0 : text.length() - dot - 1;
        // An integer moves away from zero past the small ones any text may use.
        double m = v * factor + (decimals == 0 ? Math.copySign(23, v) : 0);
        return String.format(java.util.Locale.ROOT, "%." + decimals + "f", m);
    }

    /** Whether the number {@code text} reads as another quantity of the entry at its precision, or as a constant it may use anyway. */
    private static boolean explainedOtherwise(Draft draft, String text) {
        double v = Double.parseDouble(text);
        double half = NumberTokens.halfUlp(text);
        return draft.quantities().stream().anyMatch(o -> Math.abs(o.value() - v) <= (half + o.relTol() * Math.abs(o.value())) * 1.01)
                || NumberCheck.knownConstant(v, draft.literals());
    }

    static String replaceFirstToken(String text, String token, String by) {
        int from = text.indexOf("</think>");
        for (NumberTokens.Token t : NumberTokens.in(text)) {
            if (t.offset() > from && t.text().equals(token)) {
                return text.substring(0, t.offset()) + by + text.substring(t.offset() + token.length());
            }
        }
        throw new IllegalStateException(token + " not in the solution");
    }
}
