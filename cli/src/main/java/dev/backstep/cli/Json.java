package dev.backstep.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The command's {@code --json} output, one object per call, written by jackson-core's streaming
 * generator: strings, booleans, integers, {@code null}/{@link Optional}, lists, maps, nested
 * {@code Json} objects and {@link Raw} documents (a run report, embedded as is); anything else is
 * written as its {@code toString()}.
 */
final class Json {
    /** UTF-8 output: a lone surrogate is escaped, never replaced by '?'; other characters are written as is. */
    private static final JsonFactory FACTORY = new JsonFactoryBuilder()
            .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
            .build();

    /** A value already in JSON form (a run report), written as is. */
    record Raw(String json) {
    }

    private final Map<String, Object> fields = new LinkedHashMap<>();

    Json put(String key, Object value) {
        fields.put(key, value);
        return this;
    }

    @Override
    public String toString() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            write(g, fields);
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON to memory", e); // a byte array does not fail
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static void write(JsonGenerator g, Object v) throws IOException {
        if (v instanceof Optional<?> o) {
            write(g, o.orElse(null));
        } else if (v == null) {
            g.writeNull();
        } else if (v instanceof Raw r) {
            g.writeRawValue(r.json());
        } else if (v instanceof Json j) {
            write(g, j.fields);
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (v instanceof Integer || v instanceof Long) {
            g.writeNumber(((Number) v).longValue());
        } else if (v instanceof Map<?, ?> m) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                g.writeFieldName(String.valueOf(e.getKey()));
                write(g, e.getValue());
            }
            g.writeEndObject();
        } else if (v instanceof Collection<?> c) {
            g.writeStartArray();
            for (Object x : c) {
                write(g, x);
            }
            g.writeEndArray();
        } else {
            g.writeString(v.toString());
        }
    }
}
