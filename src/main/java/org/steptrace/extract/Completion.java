package org.steptrace.extract;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Renders a draft into the assistant's turn: the reasoning in think tags, then the seven sections and the boxed answer. */
public final class Completion {
    private Completion() {}

    public static String assistant(Draft d) {
        return "<think>\n" + d.reasoning().strip() + "\n</think>\n\n" + solution(d);
    }

    public static String solution(Draft d) {
        StringBuilder b = new StringBuilder();
        List<String> bodies = d.sections().inOrder();
        for (int i = 0; i < bodies.size(); i++) {
            b.append("**").append(Sections.TITLES.get(i)).append("**:\n").append(bodies.get(i).strip()).append("\n\n");
        }
        b.append("**Final Answer**: ").append(boxed(d));
        return b.toString();
    }

    /** The boxed answer: one number with its unit, or a tuple of them. */
    public static String boxed(Draft d) {
        List<String> texts = new ArrayList<>();
        for (String name : d.answer().quantities()) texts.add(d.quantity(name).text());
        String inner = texts.size() == 1 ? texts.get(0) : "(" + String.join(", ", texts) + ")";
        String unit = d.answer().unit().isEmpty() ? "" : String.format(Locale.ROOT, "\\ \\text{%s}", d.answer().unit());
        return "\\boxed{" + inner + unit + "}";
    }
}
