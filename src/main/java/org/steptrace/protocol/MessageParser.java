package org.steptrace.protocol;

import java.util.ArrayList;
import java.util.List;

/** Turns a block payload into its messages, using a dictionary's ids. */
public final class MessageParser {
    private final DataDictionary dictionary;

    public MessageParser(DataDictionary dictionary) {
        this.dictionary = dictionary;
    }

    /** Every message of the payload, in order. */
    public List<Message> parse(Bytes payload) {
        PayloadReader reader = new PayloadReader(payload);
        List<Message> out = new ArrayList<>(4);
        while (reader.hasRemaining()) {
            out.add(next(reader));
        }
        return out;
    }

    /** The next message, failing on an unknown id or truncated parameters. */
    public Message next(PayloadReader reader) {
        int at = reader.position();
        int id = reader.readVlq();
        MessageFormat f = dictionary.formatOrNull(id);
        if (f == null) throw new MalformedPayloadException("unknown message id " + id, at);
        try {
            return f.decode(reader);
        } catch (MalformedPayloadException e) {
            throw new MalformedPayloadException("'" + f.name() + "' message truncated", at);
        }
    }

    public DataDictionary dictionary() {
        return dictionary;
    }
}
