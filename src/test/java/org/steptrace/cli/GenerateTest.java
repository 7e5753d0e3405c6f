package org.steptrace.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The main job end to end: generate --entries 50, twice with one seed. */
class GenerateTest {
    @TempDir
    static Path dir;
    static String firstOutput;

    static String generate(Path out) {
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        int code = Main.run(new String[] {"generate", "--entries", "50", "--seed", "5", "--jobs", "2", "--out", out.toString()},
                new PrintWriter(o, true), new PrintWriter(e, true));
        assertEquals(0, code, o + "\n" + e);
        return o.toString();
    }

    @BeforeAll
    static void runTwice() {
        firstOutput = generate(dir.resolve("a"));
        generate(dir.resolve("b"));
    }

    static List<String> lines(Path p) throws Exception {
        return Files.readAllLines(p, StandardCharsets.UTF_8);
    }

    @Test
    void writesEveryFileWithFiftyEntries() throws Exception {
        Path d = dir.resolve("a/dataset");
        for (String f : List.of("records.jsonl", "sft.jsonl", "sft_prompt_completion.jsonl", "README.md", "stats.json", "record.schema.json")) {
            assertTrue(Files.isRegularFile(d.resolve(f)), f);
        }
        assertEquals(50, lines(d.resolve("records.jsonl")).size());
        assertEquals(50, lines(d.resolve("sft.jsonl")).size());
        assertEquals(50, lines(d.resolve("sft_prompt_completion.jsonl")).size());
        int perSplit = 0;
        for (String s : List.of("train", "validation", "test")) perSplit += lines(d.resolve("data/" + s + "/sft.jsonl")).size();
        assertEquals(50, perSplit);
        assertTrue(firstOutput.contains("dataset:"), firstOutput);
        try (Stream<Path> traces = Files.list(dir.resolve("a/traces"))) {
            assertTrue(traces.anyMatch(p -> p.toString().endsWith(".jsonl.gz")));
        }
    }

    @Test
    void everyRecordValidatesAgainstTheSchema() throws Exception {
        Schema schema;
        try (InputStream in = GenerateTest.class.getResourceAsStream("/extract/record.schema.json")) {
            schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(in);
        }
        ObjectMapper json = new ObjectMapper();
        for (String line : lines(dir.resolve("a/dataset/records.jsonl"))) {
            JsonNode r = json.readTree(line);
            assertEquals(List.of(), schema.validate(r).stream().map(Object::toString).toList(), r.get("id").asText());
            JsonNode sft = r.get("messages");
            assertEquals("user", sft.get(0).get("role").asText());
        }
    }

    @Test
    void theCardCountsEqualTheFiles() throws Exception {
        Path d = dir.resolve("a/dataset");
        String card = Files.readString(d.resolve("README.md"));
        assertTrue(card.startsWith("---\nlicense: cc-by-4.0\n"), card);
        Matcher m = Pattern.compile("Entries: (\\d+) \\(train (\\d+), validation (\\d+), test (\\d+)\\)").matcher(card);
        assertTrue(m.find(), card);
        assertEquals(lines(d.resolve("records.jsonl")).size(), Integer.parseInt(m.group(1)));
        String[] splits = {"train", "validation", "test"};
        for (int i = 0; i < 3; i++) {
            assertEquals(lines(d.resolve("data/" + splits[i] + "/records.jsonl")).size(), Integer.parseInt(m.group(i + 2)), splits[i]);
        }
        JsonNode stats = new ObjectMapper().readTree(d.resolve("stats.json").toFile());
        assertEquals(50, stats.get("entries").asInt());
        long familyRows = card.lines().filter(l -> l.matches("\\| [a-z0-9-]+ \\| [a-z_]+ \\| \\d+ \\|")).mapToLong(l -> Long.parseLong(l.replaceAll(".*\\| (\\d+) \\|$", "$1"))).sum();
        assertEquals(50, familyRows);
    }

    @Test
    void oneSeedGivesTheSameBytes() throws Exception {
        Path a = dir.resolve("a/dataset");
        Path b = dir.resolve("b/dataset");
        try (Stream<Path> files = Files.walk(a)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertArrayEquals(Files.readAllBytes(f), Files.readAllBytes(b.resolve(a.relativize(f))), a.relativize(f).toString());
            }
        }
    }
}
