package org.steptrace.extract.dataset;

import org.steptrace.extract.Draft;
import org.steptrace.extract.verify.Verification;

/**
 * A verified entry ready to be written: the draft, its rendered texts, its verification, where it
 * came from, its hashes and (once assigned) its split.
 */
public record Entry(String id, Draft draft, String problem, String assistant, Verification verification, Provenance provenance,
                    String sha256, String maskedSha256, String split) {
    /** Where an entry's numbers came from. */
    public record Provenance(String traceId, String traceSha256, int fromLine, int toLine, String board, String source,
                             String generatorVersion, long seed) {}

    public Entry withSplit(String s) {
        return new Entry(id, draft, problem, assistant, verification, provenance, sha256, maskedSha256, s);
    }
}
