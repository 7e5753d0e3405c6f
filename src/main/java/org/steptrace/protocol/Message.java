package org.steptrace.protocol;

import java.util.List;
import java.util.Objects;

/**
 * One decoded or to-be-encoded message: its format and its arguments in parameter order.
 * Integer arguments are Longs read as the parameter's type (unsigned types 0..2^32-1, signed
 * types as int32); buffer arguments are {@link Bytes}. Build one with
 * {@link MessageFormat#message}.
 */
public record Message(MessageFormat format, List<Object> args) {
    public Message {
        Objects.requireNonNull(format);
        args = List.copyOf(args);
        if (args.size() != format.params().size()) {
            throw new EncodingException("'" + format.name() + "' takes " + format.params().size() + " arguments, got " + args.size());
        }
        for (int i = 0; i < args.size(); i++) {
            boolean integer = format.params().get(i).type().isInteger();
            if (integer ? !(args.get(i) instanceof Long) : !(args.get(i) instanceof Bytes)) {
                throw new EncodingException("argument " + i + " of '" + format.name() + "' has the wrong type");
            }
        }
    }

    public String name() {
        return format.name();
    }

    public boolean has(String param) {
        for (MessageFormat.Param p : format.params()) {
            if (p.name().equals(param)) return true;
        }
        return false;
    }

    public Object get(String param) {
        return args.get(format.paramIndex(param));
    }

    /** An integer argument as the parameter's type reads it. */
    public long getLong(String param) {
        Object v = get(param);
        if (v instanceof Long l) return l;
        throw new IllegalArgumentException("parameter '" + param + "' of '" + name() + "' is not an integer");
    }

    /** The low 32 bits of an integer argument, as the MCU's C code sees it. */
    public int getInt(String param) {
        return (int) getLong(param);
    }

    public Bytes getBytes(String param) {
        Object v = get(param);
        if (v instanceof Bytes b) return b;
        throw new IllegalArgumentException("parameter '" + param + "' of '" + name() + "' is not a buffer");
    }

    /** The enumeration name of an enumerated argument, or {@code ?N} if it has none. */
    public String getSymbol(String param) {
        MessageFormat.Param p = format.params().get(format.paramIndex(param));
        long v = getLong(param);
        if (p.enumeration() == null) return Long.toString(v);
        return p.enumeration().nameOf(v).orElse("?" + v);
    }

    public void encode(PayloadWriter out) {
        format.encode(this, out);
    }

    @Override
    public String toString() {
        return format.render(this);
    }
}
