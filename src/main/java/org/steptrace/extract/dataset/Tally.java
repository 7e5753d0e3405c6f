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

    /** The first reason seen per check, for the summary (not for stats.json: it may name temporary paths). */
    final Map<String, String> firstReason = new TreeMap<>();

    void fail(String family, String check, String reason) {
        firstReason.putIfAbsent(check, family + ": " + reason);
        fail(family, check);
    }

    public Map<String, String> firstReasons() {
        return firstReason;
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

    /** "file: reason" for each trace that could not be read. */
    public java.util.List<String> unreadable() {
        return unreadable;
    }

    public long traces() {
        return traces;
    }

    public Map<String, Long> failuresByCheck() {
        return failuresByCheck;
    }
}
