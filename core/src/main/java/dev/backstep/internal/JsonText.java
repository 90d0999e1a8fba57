package dev.backstep.internal;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import dev.backstep.BackstepException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Backstep's one JSON codec, on jackson-core's streaming API (no data binding): the shapes
 * Backstep stores (journal records, lock holders, evidence lists, argv and environment values)
 * and the documents it writes (run reports, webhook bodies).
 *
 * <p>Output is compact UTF-8 on one line, byte for byte what journal format 1 has always
 * stored: quotes, backslashes, every control character, DEL, U+2028/U+2029 and lone surrogates
 * are escaped ({@code \}{@code u} and four lowercase hex digits where JSON has no short escape); a
 * surrogate pair is written as its 4-byte UTF-8 character, everything else as it is. Reading is
 * strict RFC 8259 (no comments, trailing commas, single quotes, leading zeros, raw control
 * characters, duplicate keys or trailing content) with no length limit on strings or keys:
 * whatever this class writes, it reads back.
 *
 * <p>Lone surrogates (a {@code char} U+D800..U+DFFF that is not half of a pair) round-trip, in
 * values and in keys: written as an escape, so the bytes stay valid UTF-8, and read back as the
 * same {@code char}, as journal format 1 always did. Text is parsed from a {@code String}: from
 * 2.21 jackson-core's byte parser, and from 2.23 every parser, refuse such a key, so the pinned
 * version matters (JsonTextTest fails on one that refuses).
 *
 * <pre>{@code
 * byte[] line = JsonText.writeObject(Map.of("pid", 42L, "host", "web-1"));
 * long pid = (Long) JsonText.parse(new String(line, UTF_8)).get("pid");
 * String argv = JsonText.stringArray(List.of("php", "artisan", "migrate")); // ["php","artisan","migrate"]
 * }</pre>
 */
public final class JsonText {
    /** The configured factory; thread-safe. */
    public static final JsonFactory FACTORY = new JsonFactoryBuilder()
            .disable(JsonWriteFeature.WRITE_HEX_UPPER_CASE)
            .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
            .characterEscapes(new Escapes())
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxStringLength(Integer.MAX_VALUE)
                    .maxNameLength(Integer.MAX_VALUE)
                    .build())
            .disable(StreamWriteFeature.AUTO_CLOSE_CONTENT)
            .build();

    private JsonText() {
    }

    /** Raised for input that is not JSON this codec accepts, or a value it cannot write. */
    public static final class JsonException extends BackstepException {
        private static final long serialVersionUID = 1L;
        private final long position;

        JsonException(String message, long position) {
            super(position >= 0 ? "invalid JSON at position " + position + ": " + message : message);
            this.position = position;
        }

        /** Zero-based character offset of the problem, or -1 when writing. */
        public long position() {
            return position;
        }
    }

    /** Writes a document through a generator. */
    @FunctionalInterface
    public interface Body {
        /** Writes one JSON value to {@code g}. */
        void write(JsonGenerator g) throws IOException;
    }

    // ---------------------------------------------------------------- writing

    /**
     * One object as compact UTF-8: values are strings, numbers, booleans, {@code null}, or a nested
     * object whose values are strings. Keys are written in the map's iteration order.
     *
     * @throws JsonException naming the key of a value it cannot write
     */
    public static byte[] writeObject(Map<String, ?> object) {
        Objects.requireNonNull(object, "object");
        return bytes(g -> writeObject(g, object, true));
    }

    /** {@link #writeObject} as a String. */
    public static String write(Map<String, ?> object) {
        return new String(writeObject(object), UTF_8);
    }

    /** A whole document written by {@code body}, as a String. */
    public static String document(Body body) {
        return new String(bytes(body), UTF_8);
    }

    /** {@code ["a","b"]}: a list of strings recorded as one journal value. */
    public static String stringArray(List<String> values) {
        Objects.requireNonNull(values, "values");
        return document(g -> {
            g.writeStartArray();
            for (int i = 0; i < values.size(); i++) {
                String v = values.get(i);
                if (v == null) {
                    throw new JsonException("element " + i + " of the array is null", -1);
                }
                g.writeString(v);
            }
            g.writeEndArray();
        });
    }

    /** {@code {"k":"v"}} in the map's iteration order: a map of strings recorded as one journal value. */
    public static String stringObject(Map<String, String> values) {
        Objects.requireNonNull(values, "values");
        return document(g -> writeObject(g, values, false));
    }

    /** {@code "k":"v"}, or {@code "k":null} when {@code v} is empty, inside an object being written. */
    public static void optionalField(JsonGenerator g, String k, Optional<String> v) throws IOException {
        g.writeFieldName(k);
        if (v.isPresent()) {
            g.writeString(v.get());
        } else {
            g.writeNull();
        }
    }

    /** {@code "k":["a","b"]} inside an object being written. */
    public static void arrayField(JsonGenerator g, String k, List<String> items) throws IOException {
        g.writeArrayFieldStart(k);
        for (String item : items) {
            g.writeString(item);
        }
        g.writeEndArray();
    }

    private static byte[] bytes(Body body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            body.write(g);
        } catch (JsonProcessingException e) {
            throw new JsonException(e.getOriginalMessage(), -1);
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON to memory", e); // a ByteArrayOutputStream does not fail
        }
        return out.toByteArray();
    }

    private static void writeObject(JsonGenerator g, Map<String, ?> object, boolean topLevel) throws IOException {
        g.writeStartObject();
        for (Map.Entry<String, ?> e : object.entrySet()) {
            String key = e.getKey();
            if (key == null) {
                throw new JsonException("object keys must not be null", -1);
            }
            Object v = e.getValue();
            g.writeFieldName(key);
            if (topLevel) {
                writeValue(g, key, v);
            } else if (v instanceof String s) {
                g.writeString(s);
            } else {
                throw new JsonException("value of nested key '" + key + "' must be a string, not " + describe(v), -1);
            }
        }
        g.writeEndObject();
    }

    @SuppressWarnings("unchecked")
    private static void writeValue(JsonGenerator g, String key, Object v) throws IOException {
        if (v == null) {
            g.writeNull();
        } else if (v instanceof String s) {
            g.writeString(s);
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            g.writeNumber(((Number) v).longValue());
        } else if (v instanceof BigInteger bi) {
            g.writeNumber(bi);
        } else if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw new JsonException("value of '" + key + "' is " + d + ", which JSON cannot represent", -1);
            }
            g.writeNumber(new BigDecimal(v.toString()));
        } else if (v instanceof BigDecimal bd) {
            g.writeNumber(bd);
        } else if (v instanceof Map<?, ?> m) {
            for (Object k : m.keySet()) {
                if (!(k instanceof String)) {
                    throw new JsonException("nested object '" + key + "' has a non-string key", -1);
                }
            }
            writeObject(g, (Map<String, ?>) m, false);
        } else {
            throw new JsonException("value of '" + key + "' has unsupported type " + describe(v), -1);
        }
    }

    private static String describe(Object v) {
        return v == null ? "null" : v.getClass().getSimpleName();
    }

    // ---------------------------------------------------------------- reading

    /**
     * Parses one object. Values are strings, {@link Long}s (integers that fit), {@link BigDecimal}s
     * (other numbers), booleans, {@code null}, or nested objects of strings; arrays and deeper
     * nesting are refused. All maps are unmodifiable and keep the document's key order.
     *
     * @throws JsonException naming the position and what was expected
     */
    public static Map<String, Object> parse(String text) {
        Objects.requireNonNull(text, "text");
        return read(text, p -> {
            expectStart(p, JsonToken.START_OBJECT, "'{'");
            return object(p, true, null);
        });
    }

    /**
     * Parses an array of strings, as {@link #stringArray} writes it.
     *
     * @throws JsonException when {@code text} is not exactly that
     */
    public static List<String> parseStringArray(String text) {
        Objects.requireNonNull(text, "text");
        return read(text, p -> {
            expectStart(p, JsonToken.START_ARRAY, "'['");
            List<String> out = new ArrayList<>();
            JsonToken t;
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                if (t != JsonToken.VALUE_STRING) {
                    throw error(p, "element " + out.size() + " of the array must be a string, found " + t.asString());
                }
                out.add(p.getText());
            }
            return Collections.unmodifiableList(out);
        });
    }

    /**
     * Parses an object whose values are strings, as {@link #stringObject} writes it.
     *
     * @throws JsonException when {@code text} is not exactly that
     */
    public static Map<String, String> parseStringObject(String text) {
        Objects.requireNonNull(text, "text");
        return read(text, p -> {
            expectStart(p, JsonToken.START_OBJECT, "'{'");
            Map<String, String> out = new LinkedHashMap<>();
            object(p, false, "").forEach((k, v) -> out.put(k, (String) v));
            return Collections.unmodifiableMap(out);
        });
    }

    @FunctionalInterface
    private interface Reader<T> {
        T read(JsonParser p) throws IOException;
    }

    private static <T> T read(String text, Reader<T> reader) {
        try (JsonParser p = FACTORY.createParser(text)) {
            T value = reader.read(p);
            JsonToken after;
            try {
                after = p.nextToken();
            } catch (JsonProcessingException e) {
                throw new JsonException("unexpected content after the end of the value", offset(e.getLocation()));
            }
            if (after != null) {
                throw new JsonException("unexpected " + describe(after) + " after the end of the value",
                        offset(p.currentTokenLocation()));
            }
            return value;
        } catch (JsonProcessingException e) {
            throw new JsonException(e.getOriginalMessage(), offset(e.getLocation()));
        } catch (IOException e) {
            throw new UncheckedIOException("reading JSON from memory", e); // a String source does not fail
        }
    }

    private static void expectStart(JsonParser p, JsonToken expected, String what) throws IOException {
        JsonToken t = p.nextToken();
        if (t != expected) {
            throw error(p, "expected " + what + " but found " + describe(t));
        }
    }

    private static Map<String, Object> object(JsonParser p, boolean topLevel, String parentKey) throws IOException {
        Map<String, Object> map = new LinkedHashMap<>();
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            long keyPos = offset(p.currentTokenLocation());
            JsonToken v = p.nextToken();
            Object value;
            if (v == JsonToken.VALUE_STRING) {
                value = p.getText();
            } else if (!topLevel) {
                throw error(p, "value of '" + key + "' in nested object '" + parentKey + "' must be a string, found "
                        + describe(v));
            } else {
                value = switch (v) {
                    case START_OBJECT -> object(p, false, key);
                    case START_ARRAY -> throw error(p, "arrays are not supported (value of '" + key + "')");
                    case VALUE_NUMBER_INT -> p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                            ? new BigDecimal(p.getBigIntegerValue()) : (Object) p.getLongValue();
                    case VALUE_NUMBER_FLOAT -> p.getDecimalValue();
                    case VALUE_TRUE -> Boolean.TRUE;
                    case VALUE_FALSE -> Boolean.FALSE;
                    case VALUE_NULL -> null;
                    default -> throw error(p, "expected a value for '" + key + "' but found " + describe(v));
                };
            }
            if (map.containsKey(key)) {
                throw new JsonException("duplicate key '" + key + "'", keyPos);
            }
            map.put(key, value);
        }
        if (t != JsonToken.END_OBJECT) {
            throw error(p, "expected a string key or '}' but found " + describe(t));
        }
        return Collections.unmodifiableMap(map);
    }

    private static JsonException error(JsonParser p, String message) {
        long at = offset(p.currentTokenLocation());
        return new JsonException(message, at >= 0 ? at : offset(p.currentLocation()));
    }

    private static String describe(JsonToken t) {
        if (t == null) {
            return "end of input";
        }
        return switch (t) {
            case START_OBJECT -> "'{'";
            case END_OBJECT -> "'}'";
            case START_ARRAY -> "'['";
            case END_ARRAY -> "']'";
            case FIELD_NAME -> "a key";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> t.name();
        };
    }

    private static long offset(JsonLocation at) {
        return at == null ? -1 : at.getCharOffset();
    }

    /**
     * Beyond JSON's mandatory escapes: DEL and U+2028/U+2029 (line separators to some tools), so a
     * record stays one visible line; lone surrogates are escaped by the generator itself.
     */
    private static final class Escapes extends CharacterEscapes {
        private static final long serialVersionUID = 1L;
        private static final SerializedString LS = new SerializedString("\\u2028");
        private static final SerializedString PS = new SerializedString("\\u2029");
        private final int[] ascii;

        Escapes() {
            ascii = standardAsciiEscapesForJSON();
            ascii[0x7f] = ESCAPE_STANDARD;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return ascii;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            return ch == 0x2028 ? LS : ch == 0x2029 ? PS : null;
        }
    }
}
