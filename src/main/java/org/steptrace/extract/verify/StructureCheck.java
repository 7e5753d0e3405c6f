package org.steptrace.extract.verify;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.steptrace.extract.Sections;

/**
 * Reads an assistant turn back: reasoning in think tags, then the seven headed sections in order,
 * each non-empty, exactly one fenced rust block (in the Rust section), and the boxed final answer
 * at the end.
 */
public final class StructureCheck {
    private static final Pattern RUST_BLOCK = Pattern.compile("```rust\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern BOXED = Pattern.compile("\\\\boxed\\{(.*)\\}\\s*$", Pattern.DOTALL);

    private StructureCheck() {}

    /** The problems found; empty when the structure is right. */
    public static List<String> problems(String assistant) {
        List<String> problems = new ArrayList<>();
        if (!assistant.startsWith("<think>\n")) problems.add("the turn does not open with the reasoning in think tags");
        int close = assistant.indexOf("\n</think>\n\n");
        if (close < 0) {
            problems.add("the reasoning is not closed by </think>");
            return problems;
        }
        if (close < "<think>\n".length() || assistant.substring("<think>\n".length(), close).isBlank()) problems.add("the reasoning is empty");
        String solution = assistant.substring(close);
        int from = 0;
        int[] starts = new int[Sections.TITLES.size() + 1];
        for (int i = 0; i < Sections.TITLES.size(); i++) {
            String heading = "**" + Sections.TITLES.get(i) + "**:";
            int at = solution.indexOf(heading, from);
            if (at < 0) {
                problems.add("section " + Sections.TITLES.get(i) + " is missing or out of order");
                return problems;
            }
            starts[i] = at + heading.length();
            if (i > 0 && solution.substring(starts[i - 1], at).isBlank()) problems.add("section " + Sections.TITLES.get(i - 1) + " is empty");
            from = starts[i];
        }
        int fin = solution.indexOf("**Final Answer**:", from);
        if (fin < 0) {
            problems.add("no final answer after the sections");
            return problems;
        }
        if (solution.substring(from, fin).isBlank()) problems.add("section " + Sections.TITLES.get(6) + " is empty");
        if (!BOXED.matcher(solution.substring(fin)).find()) problems.add("the final answer is not boxed at the end");
        Matcher rust = RUST_BLOCK.matcher(assistant);
        int blocks = 0;
        while (rust.find()) blocks++;
        if (blocks != 1) problems.add("expected exactly one rust block, found " + blocks);
        int rustSection = solution.indexOf("**" + Sections.TITLES.get(3) + "**:");
        int safety = solution.indexOf("**" + Sections.TITLES.get(4) + "**:");
        int block = solution.indexOf("```rust\n");
        if (blocks == 1 && (block < rustSection || block > safety)) problems.add("the rust block is not in the Rust section");
        return problems;
    }

    /** The code of the one rust block, or null. */
    public static String rustCode(String assistant) {
        Matcher m = RUST_BLOCK.matcher(assistant);
        return m.find() ? m.group(1) : null;
    }

    /** The inside of the final \boxed{…}, or null. */
    public static String boxed(String assistant) {
        int fin = assistant.lastIndexOf("**Final Answer**:");
        if (fin < 0) return null;
        Matcher m = BOXED.matcher(assistant.substring(fin));
        return m.find() ? m.group(1) : null;
    }
}
