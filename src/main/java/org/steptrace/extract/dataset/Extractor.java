package org.steptrace.extract.dataset;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.steptrace.extract.Completion;
import org.steptrace.extract.Draft;
import org.steptrace.extract.Family;
import org.steptrace.extract.Finding;
import org.steptrace.extract.observations.TraceView;
import org.steptrace.extract.verify.NumberTokens;
import org.steptrace.extract.verify.RustCheck;
import org.steptrace.extract.verify.StructureCheck;
import org.steptrace.extract.verify.Verification;
import org.steptrace.extract.verify.Verifier;

/**
 * Turns traces into verified, de-duplicated entries. Traces are read and written from in
 * parallel; everything that decides what is kept (sampling, duplicates, order) depends only on the
 * seed and the traces' order, so any number of jobs gives the same entries. Call {@link #add} with
 * traces in order; entries accumulate.
 */
public final class Extractor {
    /** Findings used per family per trace: a few, so one trace does not crowd a family. */
    public static final int DEFAULT_PER_FAMILY_PER_TRACE = 2;
    static final int RUST_BATCH = 120;

    private final List<Family> families;
    private final long seed;
    private final int perFamilyPerTrace;
    private final String generatorVersion;
    private final RustCheck rust;
    private final Path workDir;
    private final ExecutorService pool;
    private final Verifier verifier = new Verifier();
    private final Set<String> exact = new HashSet<>();
    private final NearDuplicates near = new NearDuplicates();
    private final List<Entry> accepted = new ArrayList<>();
    private final Tally tally = new Tally();

    public Extractor(List<Family> families, long seed, int perFamilyPerTrace, String generatorVersion, RustCheck rust, Path workDir,
                     ExecutorService pool) {
        this.families = List.copyOf(families);
        this.seed = seed;
        this.perFamilyPerTrace = perFamilyPerTrace;
        this.generatorVersion = generatorVersion;
        this.rust = rust;
        this.workDir = workDir;
        this.pool = pool;
    }

    public List<Entry> entries() {
        return List.copyOf(accepted);
    }

    public Tally tally() {
        return tally;
    }

    public RustCheck rust() {
        return rust;
    }

    /** Extracts from {@code traces} (in this order) and keeps what passes every check. */
    public void add(List<Path> traces) throws IOException, InterruptedException {
        List<Future<List<Entry>>> written = new ArrayList<>();
        for (Path t : traces) written.add(pool.submit(() -> candidates(t)));
        List<Entry> unique = new ArrayList<>();
        List<Integer> nearIndex = new ArrayList<>();
        for (Future<List<Entry>> f : written) {
            for (Entry e : get(f)) {
                if (!exact.add(e.sha256())) {
                    tally.exactDuplicates++;
                    continue;
                }
                int near = this.near.offer(e.problem());
                if (near < 0) {
                    tally.nearDuplicates++;
                } else {
                    unique.add(e);
                    nearIndex.add(near);
                }
            }
        }
        checkRust(unique, nearIndex);
    }

    private List<Entry> candidates(Path file) {
        TraceView view;
        try {
            view = TraceView.load(file);
        } catch (IOException | RuntimeException e) {
            synchronized (tally) {
                tally.tracesUnreadable++;
                tally.unreadable.add(e.getMessage() != null && e.getMessage().contains(file.toString()) ? e.getMessage() : file + ": " + e.getMessage());
            }
            return List.of();
        }
        List<Entry> out = new ArrayList<>();
        long candidates = 0;
        for (Family family : families) {
            List<Finding> found;
            try {
                found = family.find(view);
            } catch (RuntimeException e) {
                synchronized (tally) {
                    tally.fail(family.id(), "find");
                }
                continue;
            }
            SplittableRandom pickRng = new SplittableRandom(mix(seed, view.id() + "/" + family.id()));
            List<Integer> picks = sample(found.size(), perFamilyPerTrace, pickRng);
            for (int i : picks) {
                candidates++;
                Finding finding = found.get(i);
                Draft d;
                String assistant;
                try {
                    d = family.write(view, finding, new SplittableRandom(mix(seed, view.id() + "/" + family.id() + "/" + i)));
                    assistant = Completion.assistant(d);
                } catch (RuntimeException e) {
                    synchronized (tally) {
                        tally.writeFailures++;
                        tally.fail(family.id(), "write", candidateId(family, view, i), e.toString());
                    }
                    continue;
                }
                Verification v;
                try {
                    v = verifier.check(family, view, d, d.problem(), assistant);
                } catch (RuntimeException e) {
                    // A check that cannot even run on this entry rejects the entry, not the run.
                    synchronized (tally) {
                        tally.fail(family.id(), "structure", candidateId(family, view, i), "the checks could not run: " + e);
                    }
                    continue;
                }
                synchronized (tally) {
                    tally.candidatesByFamily.merge(family.id(), 1L, Long::sum);
                }
                if (!v.passed()) {
                    synchronized (tally) {
                        tally.fail(family.id(), kindOf(v.problems().get(0)), candidateId(family, view, i), v.problems().get(0));
                    }
                    continue;
                }
                String id = candidateId(family, view, i);
                Entry.Provenance p = new Entry.Provenance(view.id(), view.sha256(), finding.records().fromLine(), finding.records().toLine(),
                        view.header().board(), view.source(), generatorVersion, view.seed());
                out.add(new Entry(id, d, d.problem(), assistant, v, p, sha256(d.problem() + "\n" + assistant),
                        sha256(NumberTokens.masked(d.problem())), null));
            }
        }
        synchronized (tally) {
            tally.traces++;
            tally.candidates += candidates;
        }
        return out;
    }

    /**
     * Keeps the entries whose Rust passes. A failed one leaves the near-duplicate index, so a twin
     * with other numbers in a later round may come in; an exact copy would fail the same way and
     * stays out.
     */
    private void checkRust(List<Entry> unique, List<Integer> nearIndex) throws IOException, InterruptedException {
        List<Future<List<RustCheck.Result>>> batches = new ArrayList<>();
        for (int from = 0; from < unique.size(); from += RUST_BATCH) {
            List<String> code = new ArrayList<>();
            for (Entry e : unique.subList(from, Math.min(unique.size(), from + RUST_BATCH))) code.add(StructureCheck.rustCode(e.assistant()));
            batches.add(pool.submit(() -> rust.check(code, workDir)));
        }
        int index = 0;
        for (Future<List<RustCheck.Result>> f : batches) {
            for (RustCheck.Result r : get(f)) {
                Entry e = unique.get(index);
                int near = nearIndex.get(index++);
                Verification v = e.verification().withRust(r, rust.available());
                tally.rustChecked += rust.available() ? 1 : 0;
                if (!v.passed()) {
                    tally.rustFailed++;
                    tally.fail(e.draft().familyId(), "rust", e.id(), v.problems().get(v.problems().size() - 1));
                    this.near.withdraw(near);
                    continue;
                }
                tally.accepted++;
                accepted.add(new Entry(e.id(), e.draft(), e.problem(), e.assistant(), v, e.provenance(), e.sha256(), e.maskedSha256(), null));
            }
        }
    }

    /** A candidate's id (the accepted entry's id too): family, trace and finding, the same in every run. */
    private static String candidateId(Family family, TraceView view, int finding) {
        return family.id() + "/" + view.id() + "/" + finding;
    }

    /** The check a failure reason belongs to (its first word, as the verifier phrases them). */
    static String kindOf(String problem) {
        if (problem.startsWith("prohibited")) return "prohibited";
        if (problem.startsWith("prompt has") || problem.startsWith("completion has")) return "tokens";
        if (problem.startsWith("quantity") || problem.startsWith("number") || problem.startsWith("boxed") || problem.startsWith("recomputation")) {
            return "numbers";
        }
        return "structure";
    }

    /** Up to {@code k} of {@code n} indices, spread, in increasing order. */
    static List<Integer> sample(int n, int k, SplittableRandom rng) {
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < n; i++) all.add(i);
        for (int i = n - 1; i > 0; i--) java.util.Collections.swap(all, i, rng.nextInt(i + 1));
        List<Integer> out = new ArrayList<>(all.subList(0, Math.min(k, n)));
        out.sort(null);
        return out;
    }

    static long mix(long seed, String key) {
        long h = seed * 0x9E3779B97F4A7C15L;
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) h = (h ^ (b & 0xff)) * 0x100000001b3L;
        h = (h ^ (h >>> 33)) * 0xff51afd7ed558ccdL;
        return h ^ (h >>> 33);
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static <T> T get(Future<T> f) throws IOException, InterruptedException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) throw io;
            if (e.getCause() instanceof UncheckedIOException io) throw io.getCause();
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IllegalStateException(e.getCause());
        }
    }

    /** For the bench and tests: a fixed pool of {@code jobs} threads. */
    public static ExecutorService pool(int jobs) {
        return Executors.newFixedThreadPool(Math.max(1, jobs));
    }
}
