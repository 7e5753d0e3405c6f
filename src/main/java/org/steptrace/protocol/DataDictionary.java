package org.steptrace.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * A firmware's data dictionary: its commands, responses and output formats with their ids,
 * enumerations and constants. Parsed from the JSON a build writes (plain or zlib-compressed, as
 * {@code identify} serves it), or built from a list of formats for an emulated board.
 */
public final class DataDictionary {
    /** Fixed on both sides; everything else comes from the dictionary. */
    public static final String IDENTIFY_RESPONSE = "identify_response offset=%u data=%.*s";
    public static final String IDENTIFY = "identify offset=%u count=%c";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String app;
    private final String version;
    private final String buildVersions;
    private final String license;
    private final Map<String, Object> config;
    private final Map<String, Enumeration> enumerations;
    /** Formats indexed by id + 4096 (ids span -4096..12287): no boxing on the decode path. */
    private final MessageFormat[] idTable = new MessageFormat[16384];
    private final Map<String, MessageFormat> commandsByName;
    private final Map<String, MessageFormat> responsesByName;
    private final Map<String, MessageFormat> byFormat;
    private final byte[] json;
    private final byte[] zlib;

    private DataDictionary(ObjectNode root, byte[] json, byte[] zlib) {
        this.json = json;
        this.zlib = zlib;
        this.app = text(root, "app");
        this.version = text(root, "version");
        this.buildVersions = text(root, "build_versions");
        this.license = text(root, "license");
        this.config = Collections.unmodifiableMap(parseConfig(root.get("config")));
        this.enumerations = Collections.unmodifiableMap(parseEnumerations(root.get("enumerations")));
        Map<Integer, MessageFormat> ids = new HashMap<>();
        Map<String, MessageFormat> formats = new LinkedHashMap<>();
        Map<String, MessageFormat> commands = new LinkedHashMap<>();
        Map<String, MessageFormat> responses = new LinkedHashMap<>();
        addFormats(root.get("commands"), "commands", MessageFormat.Kind.COMMAND, ids, formats, commands);
        addFormats(root.get("responses"), "responses", MessageFormat.Kind.RESPONSE, ids, formats, responses);
        addFormats(root.get("output"), "output", MessageFormat.Kind.OUTPUT, ids, formats, new HashMap<>());
        for (String fixed : List.of(IDENTIFY, IDENTIFY_RESPONSE)) {
            if (!formats.containsKey(fixed)) {
                throw new DictionaryFormatException("dictionary lacks '" + fixed + "'");
            }
        }
        ids.forEach((id, f) -> idTable[id + 4096] = f);
        this.byFormat = Collections.unmodifiableMap(formats);
        this.commandsByName = Collections.unmodifiableMap(commands);
        this.responsesByName = Collections.unmodifiableMap(responses);
    }

    /** Parses plain JSON or the zlib blob (told apart by the zlib header). */
    public static DataDictionary parse(byte[] data) {
        byte[] zlibBlob = null;
        byte[] jsonBytes = data;
        if (isZlib(data)) {
            zlibBlob = data.clone();
            jsonBytes = inflate(data);
        }
        JsonNode root;
        try {
            root = JSON.readTree(jsonBytes);
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            String where = loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
            throw new DictionaryFormatException("dictionary is not valid JSON" + where + ": " + e.getOriginalMessage(), e);
        } catch (java.io.IOException e) {
            throw new DictionaryFormatException("dictionary unreadable: " + e.getMessage(), e);
        }
        if (!(root instanceof ObjectNode obj)) {
            throw new DictionaryFormatException("dictionary is not a JSON object");
        }
        return new DataDictionary(obj, jsonBytes.clone(), zlibBlob);
    }

    private static boolean isZlib(byte[] data) {
        return data.length >= 2 && (data[0] & 0x0F) == 8 && ((data[0] & 0xFF) * 256 + (data[1] & 0xFF)) % 31 == 0;
    }

    private static byte[] inflate(byte[] data) {
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(data);
            ByteArrayOutputStream out = new ByteArrayOutputStream(data.length * 4);
            byte[] chunk = new byte[8192];
            while (!inflater.finished()) {
                int n = inflater.inflate(chunk);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new DictionaryFormatException("zlib dictionary blob is truncated");
                }
                out.write(chunk, 0, n);
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            throw new DictionaryFormatException("zlib dictionary blob is corrupt: " + e.getMessage(), e);
        } finally {
            inflater.end();
        }
    }

    private static byte[] deflate(byte[] data) {
        Deflater deflater = new Deflater(9);
        try {
            deflater.setInput(data);
            deflater.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(data.length / 2 + 64);
            byte[] chunk = new byte[8192];
            while (!deflater.finished()) {
                out.write(chunk, 0, deflater.deflate(chunk));
            }
            return out.toByteArray();
        } finally {
            deflater.end();
        }
    }

    private static String text(ObjectNode root, String key) {
        JsonNode n = root.get(key);
        return n == null || n.isNull() ? "" : n.asText();
    }

    private static Map<String, Object> parseConfig(JsonNode node) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (node == null) return out;
        if (!node.isObject()) throw new DictionaryFormatException("dictionary 'config' is not an object");
        node.properties().forEach(e -> {
            JsonNode v = e.getValue();
            if (v.isIntegralNumber()) out.put(e.getKey(), v.asLong());
            else if (v.isTextual()) out.put(e.getKey(), v.asText());
            else if (v.isNumber()) out.put(e.getKey(), v.asDouble());
            else throw new DictionaryFormatException("dictionary config '" + e.getKey() + "' is neither a number nor a string");
        });
        return out;
    }

    private static Map<String, Enumeration> parseEnumerations(JsonNode node) {
        Map<String, Enumeration> out = new LinkedHashMap<>();
        if (node == null) return out;
        if (!node.isObject()) throw new DictionaryFormatException("dictionary 'enumerations' is not an object");
        node.properties().forEach(e -> {
            String enumName = e.getKey();
            if (!e.getValue().isObject()) {
                throw new DictionaryFormatException("enumeration '" + enumName + "' is not an object");
            }
            Map<String, Enumeration.EntryDefinition> entries = new LinkedHashMap<>();
            e.getValue().properties().forEach(entry -> {
                JsonNode v = entry.getValue();
                String where = "enumeration '" + enumName + "' entry '" + entry.getKey() + "'";
                if (v.isIntegralNumber()) {
                    entries.put(entry.getKey(), Enumeration.EntryDefinition.single(v.asLong()));
                } else if (v.isArray() && v.size() == 2 && v.get(0).isIntegralNumber() && v.get(1).isIntegralNumber() && v.get(1).asLong() >= 0) {
                    entries.put(entry.getKey(), Enumeration.EntryDefinition.range(v.get(0).asLong(), v.get(1).asLong()));
                } else {
                    throw new DictionaryFormatException(where + " is neither an integer nor [start, count]");
                }
            });
            out.put(enumName, Enumeration.fromDefinition(enumName, entries));
        });
        return out;
    }

    private void addFormats(JsonNode node, String table, MessageFormat.Kind kind, Map<Integer, MessageFormat> ids,
                            Map<String, MessageFormat> formats, Map<String, MessageFormat> byName) {
        if (node == null) return;
        if (!node.isObject()) throw new DictionaryFormatException("dictionary '" + table + "' is not an object");
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            JsonNode idNode = e.getValue();
            if (!idNode.isIntegralNumber() || idNode.asLong() < -4096 || idNode.asLong() > 12287) {
                throw new DictionaryFormatException("'" + table + "' entry '" + e.getKey() + "' has no valid message id");
            }
            int id = idNode.asInt();
            MessageFormat f;
            try {
                f = MessageFormat.parse(kind, id, e.getKey(), enumerations);
            } catch (DictionaryFormatException ex) {
                throw new DictionaryFormatException("'" + table + "': " + ex.getMessage(), ex);
            }
            MessageFormat clash = ids.putIfAbsent(id, f);
            if (clash != null) {
                throw new DictionaryFormatException("message id " + id + " used by both '" + clash.format() + "' and '" + f.format() + "'");
            }
            formats.put(f.format(), f);
            byName.putIfAbsent(f.name(), f);
        }
    }

    public String app() {
        return app;
    }

    public String version() {
        return version;
    }

    public String buildVersions() {
        return buildVersions;
    }

    public String license() {
        return license;
    }

    /** Constants from the "config" table: Longs, Doubles or Strings, in stored order. */
    public Map<String, Object> config() {
        return config;
    }

    public Optional<Long> configLong(String key) {
        Object v = config.get(key);
        if (v instanceof Long l) return Optional.of(l);
        if (v instanceof String s) {
            try {
                return Optional.of(Long.parseLong(s.trim()));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** CLOCK_FREQ in Hz; a dictionary without it cannot time anything. */
    public long clockFrequencyHz() {
        return configLong("CLOCK_FREQ").orElseThrow(() -> new DictionaryFormatException("dictionary has no CLOCK_FREQ"));
    }

    public Map<String, Enumeration> enumerations() {
        return enumerations;
    }

    public Optional<Enumeration> enumeration(String name) {
        return Optional.ofNullable(enumerations.get(name));
    }

    public Optional<MessageFormat> byId(int id) {
        return Optional.ofNullable(formatOrNull(id));
    }

    /** The format with that id, or null: the allocation-free lookup for hot decode paths. */
    public MessageFormat formatOrNull(int id) {
        return id >= -4096 && id < 12288 ? idTable[id + 4096] : null;
    }

    /** Looks a format up by its exact text, as a host does before using a command. */
    public Optional<MessageFormat> byFormat(String format) {
        return Optional.ofNullable(byFormat.get(format));
    }

    public Optional<MessageFormat> command(String name) {
        return Optional.ofNullable(commandsByName.get(name));
    }

    public Optional<MessageFormat> response(String name) {
        return Optional.ofNullable(responsesByName.get(name));
    }

    /** The command of that exact format, or a clear error naming what the firmware lacks. */
    public MessageFormat requireCommand(String format) {
        MessageFormat f = byFormat.get(format);
        if (f == null || f.kind() != MessageFormat.Kind.COMMAND) {
            throw new DictionaryFormatException("firmware does not offer command '" + format + "'");
        }
        return f;
    }

    public MessageFormat requireResponse(String format) {
        MessageFormat f = byFormat.get(format);
        if (f == null || f.kind() != MessageFormat.Kind.RESPONSE) {
            throw new DictionaryFormatException("firmware does not offer response '" + format + "'");
        }
        return f;
    }

    public Collection<MessageFormat> formats() {
        return byFormat.values();
    }

    /** The JSON text as parsed or built. */
    public Bytes json() {
        return Bytes.of(json);
    }

    /** The zlib (level 9) blob that {@code identify} serves. */
    public Bytes identifyBlob() {
        return Bytes.wrap(zlibBlob().clone());
    }

    private byte[] zlibBlob() {
        return zlib != null ? zlib : deflateOnce();
    }

    private volatile byte[] deflated;

    private byte[] deflateOnce() {
        byte[] d = deflated;
        if (d == null) {
            d = deflate(json);
            deflated = d;
        }
        return d;
    }

    /** The {@code identify_response} data for a request: at most {@code count} bytes at {@code offset}. */
    public Bytes identifyChunk(long offset, int count) {
        byte[] blob = zlibBlob();
        if (offset < 0 || offset >= blob.length || count <= 0) return Bytes.EMPTY;
        int n = (int) Math.min(count, blob.length - offset);
        return Bytes.of(blob, (int) offset, n);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Builds a dictionary from the formats an emulated firmware implements. Ids follow the
     * firmware build's rule: identify_response 0, identify 1, then commands, responses and
     * outputs counted from 2, each written as the value its 1–2 byte encoding decodes to.
     */
    public static final class Builder {
        private final List<String> commands = new ArrayList<>();
        private final List<String> responses = new ArrayList<>();
        private final List<String> outputs = new ArrayList<>();
        private final Map<String, Object> config = new TreeMap<>();
        private final Map<String, Map<String, Enumeration.EntryDefinition>> enumerations = new TreeMap<>();
        private String app = "steptrace";
        private String version = "steptrace";
        private String buildVersions = "steptrace";
        private String license = "Apache-2.0";

        public Builder command(String format) {
            commands.add(format);
            return this;
        }

        public Builder response(String format) {
            responses.add(format);
            return this;
        }

        public Builder output(String format) {
            outputs.add(format);
            return this;
        }

        public Builder config(String key, Object value) {
            if (!(value instanceof Number || value instanceof String)) {
                throw new IllegalArgumentException("config '" + key + "' must be a number or a string");
            }
            config.put(key, value);
            return this;
        }

        public Builder enumeration(String name, Map<String, Enumeration.EntryDefinition> entries) {
            enumerations.put(name, new TreeMap<>(entries));
            return this;
        }

        public Builder app(String app) {
            this.app = app;
            return this;
        }

        public Builder version(String version) {
            this.version = version;
            return this;
        }

        public Builder buildVersions(String buildVersions) {
            this.buildVersions = buildVersions;
            return this;
        }

        public Builder license(String license) {
            this.license = license;
            return this;
        }

        public DataDictionary build() {
            ObjectNode root = JSON.createObjectNode();
            root.put("app", app);
            root.put("build_versions", buildVersions);
            Map<String, Integer> cmdIds = new TreeMap<>();
            Map<String, Integer> respIds = new TreeMap<>();
            Map<String, Integer> outIds = new TreeMap<>();
            respIds.put(IDENTIFY_RESPONSE, 0);
            cmdIds.put(IDENTIFY, 1);
            int counter = 2;
            for (String c : commands) if (!c.equals(IDENTIFY)) cmdIds.put(c, wireId(counter++));
            for (String r : responses) if (!r.equals(IDENTIFY_RESPONSE)) respIds.put(r, wireId(counter++));
            for (String o : outputs) outIds.put(o, wireId(counter++));
            putIds(root.putObject("commands"), cmdIds);
            ObjectNode cfg = root.putObject("config");
            config.forEach((k, v) -> {
                if (v instanceof String s) cfg.put(k, s);
                else if (v instanceof Double || v instanceof Float) cfg.put(k, ((Number) v).doubleValue());
                else cfg.put(k, ((Number) v).longValue());
            });
            ObjectNode enums = root.putObject("enumerations");
            enumerations.forEach((name, entries) -> {
                ObjectNode e = enums.putObject(name);
                entries.forEach((k, def) -> {
                    if (def.count() < 0) {
                        e.put(k, def.start());
                    } else {
                        ArrayNode a = e.putArray(k);
                        a.add(def.start());
                        a.add(def.count());
                    }
                });
            });
            root.put("license", license);
            if (!outIds.isEmpty()) putIds(root.putObject("output"), outIds);
            putIds(root.putObject("responses"), respIds);
            root.put("version", version);
            byte[] jsonBytes;
            try {
                jsonBytes = JSON.writeValueAsString(root).getBytes(StandardCharsets.UTF_8);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
            return new DataDictionary(root, jsonBytes, null);
        }

        private static void putIds(ObjectNode node, Map<String, Integer> ids) {
            ids.forEach(node::put);
        }

        /** The dictionary value of build counter {@code n}: its 1–2 byte encoding read back as a VLQ. */
        static int wireId(int n) {
            if (n >= 16384) throw new IllegalStateException("too many messages for 2-byte ids");
            if (n < 128) return n < 96 ? n : n - 128;
            return n < 12288 ? n : n - 16384;
        }
    }
}
