package org.steptrace.protocol;

import java.io.ByteArrayOutputStream;

/**
 * Collects {@code identify_response} chunks the way a host does: it asks for the next offset,
 * keeps data only when the offset matches, and is done at the first empty chunk.
 */
public final class IdentifyAssembler {
    /** Bytes a host asks for per request. */
    public static final int CHUNK_BYTES = 40;

    private final ByteArrayOutputStream data = new ByteArrayOutputStream();
    private boolean complete;

    /** The offset to request next. */
    public int nextOffset() {
        return data.size();
    }

    public boolean isComplete() {
        return complete;
    }

    /** Accepts one response; returns true once the dictionary is complete. */
    public boolean accept(long offset, Bytes chunk) {
        if (complete || offset != data.size()) return complete;
        if (chunk.size() == 0) {
            complete = true;
        } else {
            data.writeBytes(chunk.toByteArray());
        }
        return complete;
    }

    public DataDictionary dictionary() {
        if (!complete) throw new IllegalStateException("identify download incomplete at offset " + data.size());
        return DataDictionary.parse(data.toByteArray());
    }
}
