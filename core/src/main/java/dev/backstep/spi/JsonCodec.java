package dev.backstep.spi;

import dev.backstep.BackstepException;
import dev.backstep.internal.JsonText;
import java.util.Map;

/**
 * The JSON codec Backstep's own journals use (jackson-core's streaming API), for adapters that
 * store {@link JournalRecord} data or lock holders elsewhere and want the same encoding: one
 * object whose values are strings, numbers, booleans, {@code null}, or a nested object of
 * strings. Arrays and deeper nesting are rejected.
 *
 * <p>{@link #write} emits compact JSON on one line in the map's iteration order (control
 * characters, DEL, U+2028/U+2029 and lone surrogates escaped, so the text is valid UTF-8 whatever
 * the input, and a lone surrogate reads back as itself); {@link #parse} is strict RFC 8259 (no
 * duplicate keys, no trailing content, no length limit on strings) and returns unmodifiable,
 * insertion-ordered maps whose integers are {@link Long}s.
 *
 * <p>A checksum over JSON should cover the text as stored, never a re-encoding by this codec: a
 * later version may format the same values differently.
 *
 * <pre>{@code
 * String data = JsonCodec.write(new TreeMap<>(record.data()));
 * Map<String, Object> back = JsonCodec.parse(data);
 * }</pre>
 */
public final class JsonCodec {

    private JsonCodec() {
    }

    /**
     * Writes {@code object} as one line of compact JSON.
     *
     * @throws MalformedJsonException when a value is not of a supported type
     */
    public static String write(Map<String, ?> object) {
        try {
            return JsonText.write(object);
        } catch (JsonText.JsonException e) {
            throw new MalformedJsonException(e.getMessage(), e.position(), e);
        }
    }

    /**
     * Parses one JSON object.
     *
     * @throws MalformedJsonException naming the position and what was expected
     */
    public static Map<String, Object> parse(String text) {
        try {
            return JsonText.parse(text);
        } catch (JsonText.JsonException e) {
            throw new MalformedJsonException(e.getMessage(), e.position(), e);
        }
    }

    /** Input that is not JSON this codec accepts, or a value it cannot write. */
    public static final class MalformedJsonException extends BackstepException {
        private static final long serialVersionUID = 1L;
        private final int position;

        MalformedJsonException(String message, long position, Throwable cause) {
            super(message, cause);
            this.position = (int) position; // offsets into a String fit an int
        }

        /** Zero-based character offset of the problem, or -1 when writing. */
        public int position() {
            return position;
        }
    }
}
