package org.steptrace.host.mcu;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import org.steptrace.protocol.Bytes;
import org.steptrace.protocol.Message;
import org.steptrace.protocol.MessageParser;
import org.steptrace.protocol.ProtocolException;

/**
 * A block's messages as text, decoded when first read. Recording a block then costs the run a
 * reference; the decoding happens where the record is written (the trace writer's thread). The
 * payload and the parser are immutable, so whichever thread reads first gets the same text.
 */
final class DecodedMessages extends AbstractList<String> {
    private final MessageParser parser;
    private final Bytes payload;
    private volatile List<String> texts;

    DecodedMessages(MessageParser parser, Bytes payload) {
        this.parser = parser;
        this.payload = payload;
    }

    private List<String> texts() {
        List<String> t = texts;
        if (t == null) {
            t = decode();
            texts = t;
        }
        return t;
    }

    private List<String> decode() {
        List<String> out = new ArrayList<>();
        try {
            for (Message m : parser.parse(payload)) out.add(m.toString());
        } catch (ProtocolException e) {
            out.add("undecodable: " + e.getMessage());
        }
        return List.copyOf(out);
    }

    @Override
    public String get(int index) {
        return texts().get(index);
    }

    @Override
    public int size() {
        return texts().size();
    }
}
