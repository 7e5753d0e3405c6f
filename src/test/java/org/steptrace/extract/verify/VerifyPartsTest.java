package org.steptrace.extract.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.steptrace.extract.Quantity;

class VerifyPartsTest {
    @TempDir
    Path work;

    @Test
    void numberTokensSkipIdentifiersAndKnowTheirPrecision() {
        List<NumberTokens.Token> t = NumberTokens.in("u32 f64 x86 at 12.50 mm, 3e-7 s and 1.25e6 Hz; step 4");
        assertEquals(List.of("12.50", "3e-7", "1.25e6", "4"), t.stream().map(NumberTokens.Token::text).toList());
        assertEquals(0.005, t.get(0).halfUlp(), 1e-15);
        assertEquals(5e-8, t.get(1).halfUlp(), 1e-20);
        assertEquals(5e3, t.get(2).halfUlp(), 1e-9);
        assertEquals("at # mm, # s", NumberTokens.masked("at 12.50 mm, 3e-7 s"));
        // "104GT" is a part name; the "2" after its dash is a number like any other.
        assertEquals(List.of("1.5", "12.5", "2.0", "2"), NumberTokens.in("1.5ms then 12.5mm and 2.0_f64 on a 104GT-2").stream().map(NumberTokens.Token::text).toList());
    }

    @Test
    void aMinusIsASignOnlyWhereItCannotBeASubtractionOrAHyphen() {
        assertEquals(List.of("-0.5", "-3", "-2.5", "-1.25e-3", "-7"),
                NumberTokens.in("x = -0.5 (-3 and y -2.5, -1.25e-3 s\n-7").stream().map(NumberTokens.Token::text).toList());
        assertEquals(List.of("5", "5", "10", "5", "2.0", "1.5"),
                NumberTokens.in("a-5, 5-10 and a - 5, a band of +-2.0 or +/-1.5").stream().map(NumberTokens.Token::text).toList());
        assertEquals(-0.5, NumberTokens.in("v = -0.5").get(0).value());
        assertEquals(0.05, NumberTokens.in("v = -0.5").get(0).halfUlp(), 1e-15);
    }

    @Test
    void aNumberMustHaveTheSignOfItsQuantity() {
        List<Quantity> q = List.of(new Quantity("drift", -0.0412, "s", "-0.0412", 1e-6));
        List<String> problems = new ArrayList<>();
        NumberCheck.check("the drift is -0.0412 s; assert!((d - (-0.0412)).abs() < 1e-9)", q, Map.of("drift", -0.041203), Set.of(), problems);
        assertEquals(List.of(), problems);
        NumberCheck.check("the drift is -0.0412 s, i.e. it runs 0.0412 s ahead", q, Map.of("drift", -0.041203), Set.of(), problems);
        assertEquals(1, problems.size(), "an unsigned 0.0412 is not the quantity -0.0412: " + problems);
        problems.clear();
        NumberCheck.check("the drift is 0.0412 s", q, Map.of("drift", -0.041203), Set.of(), problems);
        assertTrue(problems.stream().anyMatch(p -> p.contains("does not appear")), problems.toString());
        problems.clear();
        List<Quantity> positive = List.of(new Quantity("t", 0.0412, "s", "0.0412", 1e-6));
        NumberCheck.check("it takes 0.0412 s, not -0.0412 s", positive, Map.of("t", 0.041203), Set.of(), problems);
        assertEquals(1, problems.size(), problems.toString());
    }

    @Test
    void everyNumberMustBeAQuantityOrAConstant() {
        List<Quantity> q = List.of(new Quantity("t", 0.0412, "s", "0.0412", 1e-6));
        List<String> problems = new ArrayList<>();
        NumberCheck.check("it takes 0.0412 s, about 0.04 s, in 2 steps", q, Map.of("t", 0.041203), Set.of(), problems);
        assertEquals(List.of(), problems);
        NumberCheck.check("it takes 0.0412 s, or 0.0513 s", q, Map.of("t", 0.041203), Set.of(), problems);
        assertEquals(1, problems.size(), problems.toString());
        problems.clear();
        NumberCheck.check("it takes 0.0412 s", q, Map.of("t", 0.0500), Set.of(), problems);
        assertTrue(problems.get(0).contains("trace gives"), problems.toString());
        problems.clear();
        NumberCheck.check("it takes 0.0412 s and 273.15 K", q, Map.of("t", 0.041203), Set.of(273.15), problems);
        assertEquals(List.of(), problems);
    }

    @Test
    void prohibitedNamesAreFoundButOrdinaryWordsPass() {
        assertFalse(ProhibitedContent.findings("as Klipper does").isEmpty());
        assertFalse(ProhibitedContent.findings("send queue_step with").isEmpty());
        assertFalse(ProhibitedContent.findings("the [stepper_x] section").isEmpty());
        assertFalse(ProhibitedContent.findings("prose\nrotation_distance: 40\n").isEmpty());
        assertFalse(ProhibitedContent.findings("run PID_CALIBRATE first").isEmpty());
        assertEquals(List.of(), ProhibitedContent.findings("A step-queue command carrying (interval, count, add).\n- Hardware limitations: 40 mm\n"
                + "```rust\npub struct P { pub max_speed: f64 }\n```"));
    }

    @Test
    void structureWantsSevenSectionsOneRustBlockAndABoxedAnswer() {
        String ok = "<think>\nwork\n</think>\n\n**Control System Problem**:\na\n\n**Physical Context & Constraints**:\nb\n\n"
                + "**Mathematical Analysis**:\nc\n\n**Rust Implementation Strategy**:\n```rust\nfn x() {}\n```\n\n**Safety Verification**:\nd\n\n"
                + "**Edge Case Analysis**:\ne\n\n**Alternative Approaches & Trade-offs**:\nf\n\n**Final Answer**: \\boxed{1.5\\ \\text{s}}";
        assertEquals(List.of(), StructureCheck.problems(ok));
        assertFalse(StructureCheck.problems(ok.replace("**Edge Case Analysis**:\ne", "**Edge Case Analysis**:\n ")).isEmpty());
        assertFalse(StructureCheck.problems(ok.replace("\\boxed{1.5\\ \\text{s}}", "1.5 s")).isEmpty());
        assertFalse(StructureCheck.problems(ok.replace("<think>\n", "")).isEmpty());
        assertEquals("1.5\\ \\text{s}", StructureCheck.boxed(ok));
    }

    @Test
    void oneBadSnippetFailsOnlyItselfInABatch() throws Exception {
        RustCheck rust = RustCheck.find();
        assumeTrue(rust.available(), "rustc not installed");
        String good = "pub fn twice(x: f64) -> f64 {\n    x * 2.0\n}\n\n#[cfg(test)]\nmod tests {\n    use super::*;\n\n    #[test]\n"
                + "    fn doubles() {\n        assert!((twice(1.5) - 3.0).abs() < 1e-9);\n    }\n}\n";
        String unused = good.replace("pub fn twice", "fn helper() {}\npub fn twice");
        String failing = good.replace("- 3.0", "- 3.5");
        List<RustCheck.Result> r = rust.check(List.of(good, unused, failing, "pub fn f() {}\n"), work);
        assertTrue(r.get(0).ok(), r.get(0).diagnostics());
        assertFalse(r.get(1).compiled(), "an unused private item is a warning, denied");
        assertTrue(r.get(2).compiled());
        assertFalse(r.get(2).testsPassed());
        assertFalse(r.get(3).ok(), "no test module");
    }
}
