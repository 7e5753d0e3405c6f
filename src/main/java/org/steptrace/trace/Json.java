package org.steptrace.trace;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * The one JSON mapping of trace records, shared by writer and reader so they mirror each other.
 * Built once: a mapper costs about a millisecond to make, as much as recording a short run.
 */
final class Json {
    private static final ObjectMapper MAPPER = build();
    /** Records to and from JSON; immutable, so any thread may use them. */
    static final ObjectWriter RECORD_WRITER = MAPPER.writerFor(TraceRecord.class);
    static final ObjectReader RECORD_READER = MAPPER.readerFor(TraceRecord.class);

    private Json() {}

    /** The shared mapper; callers must not reconfigure it. */
    static ObjectMapper mapper() {
        return MAPPER;
    }

    private static ObjectMapper build() {
        // Reading: traces are mostly numbers, and the fast parser pays off.
        JsonFactory factory = JsonFactory.builder().enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
                .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER).build();
        return new ObjectMapper(factory)
                .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
                .configure(SerializationFeature.FAIL_ON_EMPTY_BEANS, false)
                .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
    }
}
