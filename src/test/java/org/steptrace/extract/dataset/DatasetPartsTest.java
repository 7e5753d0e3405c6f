package org.steptrace.extract.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DatasetPartsTest {
    @Test
    void nearDuplicatesAreCaughtAfterMaskingNumbersAndDifferentTextsPass() {
        NearDuplicates n = new NearDuplicates();
        String a = "A move of 12.5 mm starts at 10 mm/s, cruises at 120 mm/s and stops at 0 mm/s with 3000 mm/s^2 of acceleration. How long does it take?";
        int first = n.offer(a);
        assertTrue(first >= 0);
        String twin = a.replace("12.5", "40.0").replace("3000", "1500");
        assertEquals(-1, n.offer(twin), "same text with other numbers");
        assertTrue(n.offer("The hot end was heated from ambient to its target and the curve was recorded every 0.3 s; fit a first order model with dead time and report the time constant.") >= 0);
        assertTrue(n.offer("Over a serial line running at 250000 baud, 14 blocks were retransmitted after corruption; estimate the chance a corrupted block passes the 16 bit check.") >= 0);
        // The first failed a later check: its twin may come in now.
        n.withdraw(first);
        assertTrue(n.offer(twin) >= 0);
        assertEquals(-1, n.offer(a));
    }

    @Test
    void theReasonKeptPerCheckIsTheFirstCandidateInOrderNotTheFirstInTime() {
        Tally t = new Tally();
        t.fail("f", "numbers", "f/trace-2/0", "later");
        t.fail("f", "numbers", "f/trace-1/3", "earlier");
        t.fail("f", "numbers", "f/trace-3/0", "last");
        assertEquals(Map.of("numbers", "f: earlier"), t.firstReasons());
    }

    @Test
    void splitsKeepEachTraceWholeAndGiveEverySplitAGroup() {
        List<String> groups = new ArrayList<>();
        for (int i = 0; i < 40; i++) groups.add("trace-" + i);
        Map<String, String> s = Splits.assign(groups, 3);
        assertEquals(40, s.size());
        assertTrue(s.containsValue("validation"));
        assertTrue(s.containsValue("test"));
        long train = s.values().stream().filter("train"::equals).count();
        assertTrue(train >= 30, "about 90 % train: " + train);
        assertEquals(s, Splits.assign(groups, 3), "the same seed, the same split");
    }

    @Test
    void samplingIsSeededAndBounded() {
        assertEquals(Extractor.sample(10, 3, new java.util.SplittableRandom(4)), Extractor.sample(10, 3, new java.util.SplittableRandom(4)));
        assertEquals(3, Extractor.sample(10, 3, new java.util.SplittableRandom(4)).size());
        assertEquals(List.of(0, 1), Extractor.sample(2, 3, new java.util.SplittableRandom(4)));
    }
}
