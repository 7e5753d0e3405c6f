package org.steptrace.firmware.board;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** Reads one JSON object of a board file, naming the field's full path in every error. */
final class Fields {
    private final String source;
    private final String path;
    private final JsonNode node;

    Fields(String source, String path, JsonNode node) {
        this.source = source;
        this.path = path;
        this.node = node;
        if (node == null || !node.isObject()) throw fail("must be an object");
    }

    BoardFormatException fail(String message) {
        return new BoardFormatException(source + ": " + (path.isEmpty() ? "" : path + ": ") + message);
    }

    private String at(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private BoardFormatException fail(String key, String message) {
        return new BoardFormatException(source + ": " + at(key) + ": " + message);
    }

    boolean has(String key) {
        return node.has(key) && !node.get(key).isNull();
    }

    private JsonNode require(String key) {
        if (!has(key)) throw fail(key, "missing");
        return node.get(key);
    }

    Fields object(String key) {
        return new Fields(source, at(key), require(key));
    }

    JsonNode raw(String key) {
        return require(key);
    }

    List<Fields> objects(String key) {
        List<Fields> out = new ArrayList<>();
        if (!has(key)) return out;
        JsonNode a = node.get(key);
        if (!a.isArray()) throw fail(key, "must be a list");
        for (int i = 0; i < a.size(); i++) out.add(new Fields(source, at(key) + "[" + i + "]", a.get(i)));
        return out;
    }

    String string(String key) {
        JsonNode v = require(key);
        if (!v.isTextual() || v.asText().isBlank()) throw fail(key, "must be a non-empty string");
        return v.asText();
    }

    String string(String key, String fallback) {
        return has(key) ? string(key) : fallback;
    }

    double number(String key) {
        JsonNode v = require(key);
        if (!v.isNumber()) throw fail(key, "must be a number");
        return v.asDouble();
    }

    double number(String key, double fallback) {
        return has(key) ? number(key) : fallback;
    }

    double positive(String key) {
        double v = number(key);
        if (!(v > 0)) throw fail(key, "must be positive, got " + v);
        return v;
    }

    double nonNegative(String key, double fallback) {
        double v = number(key, fallback);
        if (v < 0) throw fail(key, "must not be negative, got " + v);
        return v;
    }

    long integer(String key) {
        JsonNode v = require(key);
        if (!v.isIntegralNumber()) throw fail(key, "must be a whole number");
        return v.asLong();
    }

    long integer(String key, long fallback) {
        return has(key) ? integer(key) : fallback;
    }

    boolean bool(String key, boolean fallback) {
        if (!has(key)) return fallback;
        JsonNode v = node.get(key);
        if (!v.isBoolean()) throw fail(key, "must be true or false");
        return v.asBoolean();
    }

    double[] numbers(String key, int count) {
        JsonNode v = require(key);
        if (!v.isArray() || v.size() != count) throw fail(key, "must be a list of " + count + " numbers");
        double[] out = new double[count];
        for (int i = 0; i < count; i++) {
            if (!v.get(i).isNumber()) throw fail(key, "must be a list of " + count + " numbers");
            out[i] = v.get(i).asDouble();
        }
        return out;
    }

    /** Rejects keys the schema does not know, so a typo is not silently ignored. */
    void allowOnly(String... keys) {
        List<String> allowed = List.of(keys);
        node.fieldNames().forEachRemaining(k -> {
            if (!allowed.contains(k) && !k.endsWith("_note")) throw fail(k, "unknown field (known: " + String.join(", ", keys) + ")");
        });
    }

    String where(String key) {
        return source + ": " + at(key);
    }
}
