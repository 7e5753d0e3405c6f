package org.steptrace.protocol;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One dictionary entry: a format string such as
 * {@code queue_step oid=%c interval=%u count=%hu add=%hi} parsed into a typed codec. It encodes
 * and decodes the parameters of a message and renders it the way the reference dump does: the
 * format text with every conversion replaced by its value.
 */
public final class MessageFormat {
    /** Which table of the dictionary a format comes from. */
    public enum Kind { COMMAND, RESPONSE, OUTPUT }

    /** A parameter; {@code enumeration} is null when values are plain numbers. */
    public record Param(String name, ParamType type, Enumeration enumeration) {
        public Param {
            Objects.requireNonNull(name);
            Objects.requireNonNull(type);
        }
    }

    // Longest first, so "%hu" is not read as "%h" and "%.*s" before "%s".
    private static final String[] CONVERSIONS = {"%.*s", "%*s", "%hu", "%hi", "%u", "%i", "%c", "%s"};

    private final Kind kind;
    private final int id;
    private final String format;
    private final String name;
    private final List<Param> params;
    private final List<String> literals;

    private MessageFormat(Kind kind, int id, String format, String name, List<Param> params, List<String> literals) {
        this.kind = kind;
        this.id = id;
        this.format = format;
        this.name = name;
        this.params = Collections.unmodifiableList(params);
        this.literals = Collections.unmodifiableList(literals);
    }

    /**
     * Parses {@code format}. Command and response parameters whose name equals an enumeration's
     * name, or ends with "_" and that name, take symbolic values (the first such enumeration in
     * dictionary order); output formats never do.
     */
    public static MessageFormat parse(Kind kind, int id, String format, Map<String, Enumeration> enumerations) {
        List<Param> params = new ArrayList<>();
        List<String> literals = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < format.length()) {
            char ch = format.charAt(i);
            if (ch != '%') {
                literal.append(ch);
                i++;
                continue;
            }
            String conversion = conversionAt(format, i);
            if (conversion == null) {
                throw new DictionaryFormatException("format '" + format + "': unsupported conversion at character " + (i + 1));
            }
            ParamType type = ParamType.ofConversion(conversion);
            String paramName = kind == Kind.OUTPUT ? "arg" + params.size() : paramNameBefore(format, literal);
            Enumeration enumeration = kind == Kind.OUTPUT || !type.isInteger() ? null : enumerationFor(paramName, enumerations);
            params.add(new Param(paramName, type, enumeration));
            literals.add(literal.toString());
            literal.setLength(0);
            i += conversion.length();
        }
        literals.add(literal.toString());
        String name = kind == Kind.OUTPUT ? "#output" : firstWord(format);
        if (name.isEmpty()) {
            throw new DictionaryFormatException("format '" + format + "' has no message name");
        }
        return new MessageFormat(kind, id, format, name, params, literals);
    }

    private static String conversionAt(String format, int i) {
        for (String c : CONVERSIONS) {
            if (format.startsWith(c, i)) return c;
        }
        return null;
    }

    private static String paramNameBefore(String format, CharSequence literal) {
        String text = literal.toString();
        if (!text.endsWith("=")) {
            throw new DictionaryFormatException("format '" + format + "': a conversion is not preceded by 'name='");
        }
        int start = text.lastIndexOf(' ') + 1;
        String paramName = text.substring(start, text.length() - 1);
        if (paramName.isEmpty() || start == 0) {
            throw new DictionaryFormatException("format '" + format + "': parameter without a name");
        }
        return paramName;
    }

    private static Enumeration enumerationFor(String paramName, Map<String, Enumeration> enumerations) {
        for (Enumeration e : enumerations.values()) {
            if (paramName.equals(e.name()) || paramName.endsWith("_" + e.name())) return e;
        }
        return null;
    }

    private static String firstWord(String format) {
        int space = format.indexOf(' ');
        return space < 0 ? format : format.substring(0, space);
    }

    public Kind kind() {
        return kind;
    }

    /** The message id as the dictionary writes it (may be negative). */
    public int id() {
        return id;
    }

    public String format() {
        return format;
    }

    /** The first word of the format; "#output" for output formats. */
    public String name() {
        return name;
    }

    public List<Param> params() {
        return params;
    }

    public int paramIndex(String paramName) {
        for (int i = 0; i < params.size(); i++) {
            if (params.get(i).name().equals(paramName)) return i;
        }
        throw new IllegalArgumentException("'" + name + "' has no parameter '" + paramName + "'");
    }

    /** Worst-case encoded size of a message of this format, id included. */
    public int maxEncodedBytes() {
        int n = Vlq.encodedLength(id);
        for (Param p : params) n += p.type().maxEncodedBytes();
        return n;
    }

    /**
     * Builds a message from values in parameter order: integers (Integer or Long), enumeration
     * names (String) for enumerated parameters, {@link Bytes} or byte[] for buffers.
     */
    public Message message(Object... values) {
        if (values.length != params.size()) {
            throw new EncodingException("'" + name + "' takes " + params.size() + " parameters, got " + values.length);
        }
        List<Object> args = new ArrayList<>(values.length);
        for (int i = 0; i < values.length; i++) {
            args.add(normalise(params.get(i), values[i]));
        }
        return new Message(this, args);
    }

    /** Builds a message from named values; every parameter must be present. */
    public Message message(Map<String, ?> named) {
        Object[] values = new Object[params.size()];
        for (int i = 0; i < values.length; i++) {
            String pn = params.get(i).name();
            if (!named.containsKey(pn)) {
                throw new EncodingException("'" + name + "' is missing parameter '" + pn + "'");
            }
            values[i] = named.get(pn);
        }
        for (String key : named.keySet()) {
            paramIndexOrFail(key);
        }
        return message(values);
    }

    private void paramIndexOrFail(String key) {
        for (Param p : params) {
            if (p.name().equals(key)) return;
        }
        throw new EncodingException("'" + name + "' has no parameter '" + key + "'");
    }

    Object normalise(Param p, Object value) {
        if (!p.type().isInteger()) {
            if (value instanceof Bytes b) return b;
            if (value instanceof byte[] a) return Bytes.of(a);
            throw new EncodingException("parameter '" + p.name() + "' of '" + name + "' takes bytes, got " + describe(value));
        }
        long v;
        if (value instanceof Integer n) {
            v = n;
        } else if (value instanceof Long n) {
            v = n;
        } else if (value instanceof String s && p.enumeration() != null) {
            v = p.enumeration().valueOf(s).orElseThrow(() ->
                    new EncodingException("Unknown value '" + s + "' in enumeration '" + p.enumeration().name() + "'"));
        } else {
            throw new EncodingException("parameter '" + p.name() + "' of '" + name + "' takes an integer, got " + describe(value));
        }
        if (!p.type().accepts(v)) {
            throw new EncodingException("parameter '" + p.name() + "' of '" + name + "': " + v + " does not fit " + p.type().conversion());
        }
        return p.type().fromWire((int) v);
    }

    private static String describe(Object value) {
        return value == null ? "null" : value.getClass().getSimpleName() + " " + value;
    }

    /** Writes the id and the parameters. */
    public void encode(Message message, PayloadWriter out) {
        if (message.format() != this) {
            throw new EncodingException("message '" + message.name() + "' encoded with format '" + name + "'");
        }
        out.writeVlq(id);
        List<Object> args = message.args();
        for (int i = 0; i < params.size(); i++) {
            Object a = args.get(i);
            if (a instanceof Long v) out.writeVlq((int) v.longValue());
            else out.writeBuffer((Bytes) a);
        }
    }

    /** Reads the parameters; the id has already been read. */
    public Message decode(PayloadReader in) {
        List<Object> args = new ArrayList<>(params.size());
        for (Param p : params) {
            args.add(p.type().isInteger() ? (Object) p.type().fromWire(in.readVlq()) : in.readBuffer());
        }
        return new Message(this, args);
    }

    /** The reference dump's text: the format with each conversion replaced by its value. */
    public String render(Message message) {
        StringBuilder sb = new StringBuilder(format.length() + 16);
        if (kind == Kind.OUTPUT) sb.append("#output ");
        List<Object> args = message.args();
        for (int i = 0; i < params.size(); i++) {
            sb.append(literals.get(i));
            appendValue(sb, params.get(i), args.get(i));
        }
        sb.append(literals.get(params.size()));
        return sb.toString();
    }

    private static void appendValue(StringBuilder sb, Param p, Object value) {
        if (value instanceof Bytes b) {
            PythonBytes.appendRepr(sb, b);
        } else if (p.enumeration() != null) {
            long v = (Long) value;
            String symbol = p.enumeration().nameOf(v).orElse(null);
            if (symbol != null) sb.append(symbol);
            else sb.append('?').append(v);
        } else {
            sb.append((long) (Long) value);
        }
    }

    @Override
    public String toString() {
        return kind + " " + id + " '" + format + "'";
    }
}
