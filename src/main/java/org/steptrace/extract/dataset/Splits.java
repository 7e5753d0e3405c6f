package org.steptrace.extract.dataset;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Assigns whole trace groups (one scenario run: one trace and its seed) to train, validation and
 * test, about 90/5/5 by a hash of the group, so a trace never straddles splits. With three or
 * more groups, validation and test each get at least one.
 */
public final class Splits {
    public static final List<String> NAMES = List.of("train", "validation", "test");

    private Splits() {}

    public static Map<String, String> assign(List<String> groups, long seed) {
        List<String> distinct = new ArrayList<>(new LinkedHashSet<>(groups));
        Map<String, Double> u = new HashMap<>();
        for (String g : distinct) u.put(g, unit(seed, g));
        Map<String, String> split = new HashMap<>();
        for (String g : distinct) {
            double x = u.get(g);
            split.put(g, x < 0.90 ? "train" : x < 0.95 ? "validation" : "test");
        }
        if (distinct.size() >= 3) {
            List<String> byU = new ArrayList<>(distinct);
            byU.sort(Comparator.comparingDouble((String g) -> u.get(g)).reversed().thenComparing(Comparator.naturalOrder()));
            ensure(split, byU, "test");
            ensure(split, byU, "validation");
        }
        return split;
    }

    /** Gives {@code name} the train group with the highest hash if it has none. */
    private static void ensure(Map<String, String> split, List<String> byU, String name) {
        if (split.containsValue(name)) return;
        for (String g : byU) {
            if (split.get(g).equals("train")) {
                split.put(g, name);
                return;
            }
        }
    }

    private static double unit(long seed, String group) {
        String h = Extractor.sha256(seed + "/" + group);
        return Long.parseUnsignedLong(h.substring(0, 13), 16) / (double) (1L << 52);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
