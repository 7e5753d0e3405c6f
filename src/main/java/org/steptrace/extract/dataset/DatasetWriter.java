package org.steptrace.extract.dataset;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;
import org.steptrace.extract.Category;
import org.steptrace.extract.Family;

/**
 * Writes a dataset folder: the full records, the chat-format and prompt–completion training files
 * (all entries, and per split under data/), the dataset card and stats.json. Everything goes to a
 * temporary folder first and is renamed into place when complete, so a failed run leaves no
 * half-written dataset. The same entries give the same bytes.
 */
public final class DatasetWriter {
    /** What was written, for the summary. */
    public record Written(Path folder, List<Entry> entries, Map<String, Object> stats) {}

    private static final ObjectMapper JSON = new ObjectMapper().disable(SerializationFeature.INDENT_OUTPUT)
            .configure(JsonGenerator.Feature.ESCAPE_NON_ASCII, false);

    private DatasetWriter() {}

    /**
     * Keeps at most {@code limit} entries, balanced over families (round robin in family order,
     * each family's entries in the order they were accepted).
     */
    public static List<Entry> select(List<Entry> accepted, List<Family> families, int limit) {
        Map<String, List<Entry>> byFamily = new LinkedHashMap<>();
        for (Family f : families) byFamily.put(f.id(), new ArrayList<>());
        for (Entry e : accepted) byFamily.computeIfAbsent(e.draft().familyId(), k -> new ArrayList<>()).add(e);
        List<Entry> out = new ArrayList<>();
        int round = 0;
        while (out.size() < limit) {
            boolean any = false;
            for (List<Entry> list : byFamily.values()) {
                if (round < list.size() && out.size() < limit) {
                    out.add(list.get(round));
                    any = true;
                }
            }
            if (!any) break;
            round++;
        }
        return out;
    }

    public static Written write(Path folder, List<Entry> selected, Tally tally, long seed, String generatorVersion, String rustcVersion,
                                List<Family> families) throws IOException {
        Map<String, String> split = Splits.assign(selected.stream().map(e -> e.provenance().traceId()).toList(), seed);
        List<Entry> entries = new ArrayList<>();
        for (Entry e : selected) entries.add(e.withSplit(split.get(e.provenance().traceId())));
        Path parent = folder.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempDirectory(parent, "." + folder.getFileName() + ".tmp-");
        try {
            lines(tmp.resolve("records.jsonl"), entries, Records::full);
            lines(tmp.resolve("sft.jsonl"), entries, Records::sft);
            lines(tmp.resolve("sft_prompt_completion.jsonl"), entries, Records::promptCompletion);
            for (String s : Splits.NAMES) {
                List<Entry> part = entries.stream().filter(e -> e.split().equals(s)).toList();
                Path dir = Files.createDirectories(tmp.resolve("data").resolve(s));
                lines(dir.resolve("records.jsonl"), part, Records::full);
                lines(dir.resolve("sft.jsonl"), part, Records::sft);
                lines(dir.resolve("sft_prompt_completion.jsonl"), part, Records::promptCompletion);
            }
            Map<String, Object> stats = Stats.of(entries, tally, seed, generatorVersion, rustcVersion, families);
            Files.writeString(tmp.resolve("stats.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(stats) + "\n",
                    StandardCharsets.UTF_8);
            try (var schema = DatasetWriter.class.getResourceAsStream("/extract/record.schema.json")) {
                Files.copy(schema, tmp.resolve("record.schema.json"));
            }
            Files.writeString(tmp.resolve("README.md"), DatasetCard.render(entries, stats, families), StandardCharsets.UTF_8);
            replace(tmp, folder);
            return new Written(folder, entries, stats);
        } catch (IOException | RuntimeException e) {
            deleteTree(tmp);
            throw e;
        }
    }

    private static void lines(Path file, List<Entry> entries, Function<Entry, Map<String, Object>> shape) throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (Entry e : entries) {
                w.write(JSON.writeValueAsString(shape.apply(e)));
                w.write('\n');
            }
        }
    }

    /** Moves the finished folder into place; an older dataset there is replaced, anything else is refused. */
    private static void replace(Path tmp, Path folder) throws IOException {
        if (Files.exists(folder)) {
            boolean dataset = Files.exists(folder.resolve("records.jsonl")) || isEmptyDir(folder);
            if (!dataset) throw new IOException(folder + " exists and is not a steptrace dataset; not replacing it");
            Path old = folder.resolveSibling("." + folder.getFileName() + ".old-" + System.nanoTime());
            Files.move(folder, old);
            try {
                move(tmp, folder);
            } catch (IOException | RuntimeException e) {
                Files.move(old, folder); // the previous dataset stays where it was
                throw e;
            }
            deleteTree(old);
        } else {
            move(tmp, folder);
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }

    private static boolean isEmptyDir(Path p) throws IOException {
        if (!Files.isDirectory(p)) return false;
        try (Stream<Path> s = Files.list(p)) {
            return s.findAny().isEmpty();
        }
    }

    /** Removes a scratch folder (the Rust work folder) and everything in it. */
    public static void deleteWork(Path dir) throws IOException {
        deleteTree(dir);
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    /** Counts of entries by a key, in key order. */
    static Map<String, Long> countBy(List<Entry> entries, Function<Entry, String> key) {
        Map<String, Long> m = new TreeMap<>();
        for (Entry e : entries) m.merge(key.apply(e), 1L, Long::sum);
        return m;
    }

    static Map<String, Long> byCategory(List<Entry> entries) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (Category c : Category.values()) m.put(c.id(), 0L);
        for (Entry e : entries) m.merge(e.draft().category().id(), 1L, Long::sum);
        return m;
    }
}
