package org.steptrace.extract.dataset;

import java.util.Map;
import java.util.TreeMap;

/** Counts of what happened to candidate entries on their way into a dataset (for stats.json and the summary). */
public final class Tally {
    long traces;
    long tracesUnreadable;
    long candidates;
    long writeFailures;
    long exactDuplicates;
    long nearDuplicates;
    long rustChecked;
    long rustFailed;
    long accepted;
    final java.util.List<String> unreadable = new java.util.ArrayList<>();
    final Map<String, Long> failuresByCheck = new TreeMap<>();
    final Map<String, Long> candidatesByFamily = new TreeMap<>();
    final Map<String, Long> failuresByFamily = new TreeMap<>();

    /**
     * One reason per check for the summary (not for stats.json: it may name temporary paths): the
     * one of the candidate that sorts first, so that it does not depend on which thread was faster.
     */
    private final Map<String, String[]> firstReason = new TreeMap<>();

    /** A failed {@code check} of candidate {@code candidate} (an id that orders candidates the same in every run). */
    void fail(String family, String check, String candidate, String reason) {
        String[] kept = firstReason.get(check);
        if (kept == null || candidate.compareTo(kept[0]) < 0) firstReason.put(check, new String[] {candidate, family + ": " + reason});
        fail(family, check);
    }

    public Map<String, String> firstReasons() {
        Map<String, String> out = new TreeMap<>();
        firstReason.forEach((check, kept) -> out.put(check, kept[1]));
        return out;
    }

    void fail(String family, String check) {
        failuresByCheck.merge(check, 1L, Long::sum);
        failuresByFamily.merge(family, 1L, Long::sum);
    }

    public long candidates() {
        return candidates;
    }

    public long accepted() {
        return accepted;
    }

    public long exactDuplicates() {
        return exactDuplicates;
    }

    public long nearDuplicates() {
        return nearDuplicates;
    }

    public long verificationFailures() {
        return failuresByCheck.values().stream().mapToLong(Long::longValue).sum();
    }

    /** "file: reason" for each trace that could not be read, sorted (they are read in parallel). */
    public java.util.List<String> unreadable() {
        return unreadable.stream().sorted().toList();
    }

    public long traces() {
        return traces;
    }

    public Map<String, Long> failuresByCheck() {
        return failuresByCheck;
    }
}
