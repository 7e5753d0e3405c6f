package org.steptrace.protocol;

import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Symbolic names for an integer parameter (pins, static strings, bus ids). Built the way the
 * reference host builds it: ranges expand in place, a repeated name keeps its first position but
 * takes the newer value, and when names share a value the last inserted one names it.
 */
public final class Enumeration {
    private final String name;
    private final Map<String, Long> valueByName;
    private final Map<Long, String> nameByValue;
    private final Map<String, Object> definition;

    private Enumeration(String name, Map<String, Long> valueByName, Map<String, Object> definition) {
        this.name = name;
        this.valueByName = Collections.unmodifiableMap(valueByName);
        Map<Long, String> byValue = new HashMap<>();
        valueByName.forEach((k, v) -> byValue.put(v, k));
        this.nameByValue = Collections.unmodifiableMap(byValue);
        this.definition = Collections.unmodifiableMap(definition);
    }

    /** Builds from the dictionary form: each entry a single value or a [start, count] range. */
    public static Enumeration fromDefinition(String name, Map<String, EntryDefinition> entries) {
        Map<String, Long> byName = new LinkedHashMap<>();
        Map<String, Object> definition = new LinkedHashMap<>();
        entries.forEach((key, entry) -> {
            definition.put(key, entry.asJsonValue());
            if (entry.count() < 0) {
                byName.put(key, entry.start());
                return;
            }
            int digits = key.length();
            while (digits > 0 && Character.isDigit(key.charAt(digits - 1))) digits--;
            String root = key.substring(0, digits);
            long first = digits == key.length() ? 0 : Long.parseLong(key.substring(digits));
            for (long i = 0; i < entry.count(); i++) {
                byName.put(root + (first + i), entry.start() + i);
            }
        });
        return new Enumeration(name, byName, definition);
    }

    public String name() {
        return name;
    }

    public Optional<String> nameOf(long value) {
        return Optional.ofNullable(nameByValue.get(value));
    }

    public Optional<Long> valueOf(String symbol) {
        return Optional.ofNullable(valueByName.get(symbol));
    }

    /** Every name with its value, in the reference host's order. */
    public Map<String, Long> values() {
        return valueByName;
    }

    /** The entries as the dictionary stores them (ranges unexpanded), for writing it back. */
    public Map<String, Object> definition() {
        return definition;
    }

    /**
     * One dictionary entry: a single value ({@code count < 0}) or {@code count} consecutive
     * values from {@code start}, named by counting up the key's trailing number.
     */
    public record EntryDefinition(long start, long count) {
        public static EntryDefinition single(long value) {
            return new EntryDefinition(value, -1);
        }

        public static EntryDefinition range(long start, long count) {
            if (count < 0) throw new IllegalArgumentException("negative range count " + count);
            return new EntryDefinition(start, count);
        }

        Object asJsonValue() {
            return count < 0 ? (Object) start : java.util.List.of(start, count);
        }
    }
}
