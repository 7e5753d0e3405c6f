package org.steptrace.extract.observations;

/** The trace lines an observation came from, inclusive, 1-based (the header is line 1). */
public record RecordRange(int fromLine, int toLine) {
    public RecordRange {
        if (fromLine < 1 || toLine < fromLine) throw new IllegalArgumentException("bad record range " + fromLine + ".." + toLine);
    }

    public static RecordRange of(int line) {
        return new RecordRange(line, line);
    }

    public boolean contains(int line) {
        return line >= fromLine && line <= toLine;
    }

    @Override
    public String toString() {
        return fromLine == toLine ? "line " + fromLine : "lines " + fromLine + "-" + toLine;
    }
}
