package org.steptrace.extract.dataset;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.steptrace.extract.verify.NumberTokens;

/**
 * Near-duplicate detection over numbers-masked problem statements: word 5-gram shingles, a
 * MinHash signature with locality-sensitive banding to find candidates, and the exact Jaccard
 * similarity of the shingle sets to decide (at or above {@link #THRESHOLD} is a near-duplicate).
 * Entries are offered in order; the first of a group is kept, unless it is withdrawn (it failed
 * a later check), after which its twins may come in.
 */
public final class NearDuplicates {
    public static final double THRESHOLD = 0.8;
    static final int SHINGLE_WORDS = 5;
    private static final int BANDS = 32;
    private static final int ROWS = 4;
    private static final long[] SEEDS = seeds(BANDS * ROWS);

    private final Map<String, List<Integer>> buckets = new HashMap<>();
    private final List<Set<Long>> kept = new ArrayList<>();

    /** Adds the problem if it is not a near-duplicate of one kept; its index when added, else -1. */
    public int offer(String problem) {
        Set<Long> shingles = shingles(problem);
        long[] sig = signature(shingles);
        List<String> keys = new ArrayList<>(BANDS);
        Set<Integer> candidates = new HashSet<>();
        for (int b = 0; b < BANDS; b++) {
            StringBuilder k = new StringBuilder().append(b);
            for (int r = 0; r < ROWS; r++) k.append(':').append(sig[b * ROWS + r]);
            String key = k.toString();
            keys.add(key);
            List<Integer> bucket = buckets.get(key);
            if (bucket != null) candidates.addAll(bucket);
        }
        for (int c : candidates) {
            Set<Long> other = kept.get(c);
            if (other != null && jaccard(shingles, other) >= THRESHOLD) return -1;
        }
        int index = kept.size();
        kept.add(shingles);
        for (String key : keys) buckets.computeIfAbsent(key, x -> new ArrayList<>()).add(index);
        return index;
    }

    /** Forgets the problem added at {@code index}: it no longer makes others near-duplicates. */
    public void withdraw(int index) {
        kept.set(index, null);
    }

    /** The word 5-grams of the masked, lower-cased text, hashed. */
    static Set<Long> shingles(String text) {
        String[] words = NumberTokens.masked(text).toLowerCase(Locale.ROOT).split("\\s+");
        Set<Long> out = new HashSet<>();
        if (words.length < SHINGLE_WORDS) {
            out.add(hash(String.join(" ", words)));
            return out;
        }
        for (int i = 0; i + SHINGLE_WORDS <= words.length; i++) {
            out.add(hash(String.join(" ", java.util.Arrays.copyOfRange(words, i, i + SHINGLE_WORDS))));
        }
        return out;
    }

    static double jaccard(Set<Long> a, Set<Long> b) {
        int common = 0;
        for (long x : a) if (b.contains(x)) common++;
        int union = a.size() + b.size() - common;
        return union == 0 ? 1 : (double) common / union;
    }

    private static long[] signature(Set<Long> shingles) {
        long[] sig = new long[SEEDS.length];
        java.util.Arrays.fill(sig, Long.MAX_VALUE);
        for (long s : shingles) {
            for (int i = 0; i < SEEDS.length; i++) {
                long h = mix(s ^ SEEDS[i]);
                if (Long.compareUnsigned(h, sig[i]) < 0) sig[i] = h;
            }
        }
        return sig;
    }

    private static long hash(String s) {
        // FNV-1a over UTF-8, then mixed: stable across runs and JVMs (String.hashCode is too narrow).
        long h = 0xcbf29ce484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return mix(h);
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }

    private static long[] seeds(int n) {
        long[] s = new long[n];
        long x = 0x5DEECE66DL;
        for (int i = 0; i < n; i++) {
            x = mix(x + 0x9E3779B97F4A7C15L);
            s[i] = x;
        }
        return s;
    }
}
