package io.pluginhost.host;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbException;

import java.io.IOException;
import java.io.Writer;
import java.util.Optional;

/**
 * JSON-B for objects of plugins' classes: an {@code execute} result, an event's payload. Yasson keeps a
 * model of every class it has written for the life of its {@link Jsonb}, so one Jsonb shared for the
 * host's life would keep the class, and so the class loader, of every plugin whose record or bean it
 * ever wrote. This one is replaced when a plugin unloads ({@link #forgetPluginClasses}); a write in
 * progress finishes on the one it began with. Thread-safe.
 */
public final class PluginObjectJson {

    private volatile Jsonb json = JsonbBuilder.create();

    /**
     * @param value a plugin's object
     * @return its JSON text
     * @throws RuntimeException           if it is not JSON-shaped (JSON-B's exception)
     * @throws StackOverflowError if it is cyclic or nested too deeply
     */
    public String toJson(Object value) {
        try {
            return json.toJson(value);
        } catch (RuntimeException e) {
            throw withNumberNamed(e);
        }
    }

    /**
     * Writes no more than {@code maxChars} of a plugin's object: a result or payload of hundreds of megabytes,
     * written whole (and then copied again), runs the server out of heap.
     *
     * @param value    a plugin's object
     * @param maxChars the most characters of JSON to write
     * @return its JSON text, or empty if that is longer than {@code maxChars} (writing stopped there)
     * @throws RuntimeException   if it is not JSON-shaped (JSON-B's exception)
     * @throws StackOverflowError if it is cyclic or nested too deeply
     */
    public Optional<String> toJson(Object value, int maxChars) {
        LimitedWriter text = new LimitedWriter(maxChars);
        try {
            json.toJson(value, text);
        } catch (RuntimeException e) {
            if (text.over) {
                return Optional.empty();
            }
            throw withNumberNamed(e);
        }
        return Optional.of(text.toString());
    }

    /**
     * JSON-B refuses a NaN or infinite {@code double} or {@code float} in words about its internals ("Character
     * N is neither a decimal digit number ...", "Internal error: double value cannot be Infinite or NaN"),
     * depending on its version: while writing, only such a number fails to convert to a JSON number. The
     * property JSON-B names on the way out ("Unable to serialize property 'x' from a.B") is kept.
     */
    private static RuntimeException withNumberNamed(RuntimeException e) {
        String where = "a number in it";
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            java.util.regex.Matcher property = PROPERTY.matcher(String.valueOf(cause.getMessage()));
            if (property.find()) {
                where = "property '" + property.group(1) + "' of " + property.group(2);
            }
            if (cause instanceof NumberFormatException) {
                return new JsonbException(where + " is NaN or infinite, and JSON has no NaN or infinite numbers:"
                        + " return null, or a string, in its place", e);
            }
        }
        return e;
    }

    private static final java.util.regex.Pattern PROPERTY =
            java.util.regex.Pattern.compile("serialize property '([^']*)' from ([\\w.$]+)");

    /** Holds what is written up to a limit, and fails the write that would pass it. */
    private static final class LimitedWriter extends Writer {
        private final StringBuilder text = new StringBuilder();
        private final int limit;
        boolean over;

        LimitedWriter(int limit) {
            this.limit = limit;
        }

        @Override
        public void write(char[] chars, int offset, int length) throws IOException {
            makeRoom(length);
            text.append(chars, offset, length);
        }

        @Override
        public void write(String string, int offset, int length) throws IOException {
            makeRoom(length);
            text.append(string, offset, offset + length);
        }

        private void makeRoom(int length) throws IOException {
            if (text.length() + length > limit) {
                over = true;
                throw new IOException("over " + limit + " characters");
            }
        }

        @Override
        public String toString() {
            return text.toString();
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }

    /**
     * @param text JSON text
     * @return its value as plain JSON types (maps, lists, strings, numbers, booleans)
     */
    public Object fromJson(String text) {
        return json.fromJson(text, Object.class);
    }

    /** Drops the models of the classes written so far: a plugin unloaded, and its classes must go. */
    public void forgetPluginClasses() {
        // Not closed: a write on another thread may still use it; it holds nothing but memory.
        json = JsonbBuilder.create();
    }
}
