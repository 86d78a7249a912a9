package io.pluginhost.api.resource;

import io.pluginhost.api.exception.InvalidArgumentException;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A message to send to Kafka. Keys and header values are UTF-8 text; the value is text (sent as
 * UTF-8) or, for a record that is not text (Avro, Protobuf, a compressed blob), bytes sent as they
 * are ({@link #ofBytes}). Equal when key, value, headers and bytes are equal.
 *
 * @param key        the record key, possibly {@code null}
 * @param value      the record value as text, possibly {@code null}; {@code null} when it is bytes
 * @param headers    record headers, by name; never {@code null}
 * @param valueBytes the record value as bytes, or {@code null} when it is text
 */
public record KafkaMessage(String key, String value, Map<String, String> headers, byte[] valueBytes) {

    /**
     * Copies the headers, in their order (a header may have no value, {@code null}), and the bytes.
     *
     * @throws InvalidArgumentException if a header has no name, or the value is given both as text and as bytes
     */
    public KafkaMessage {
        if (headers == null) {
            headers = Map.of();
        } else {
            Map<String, String> copy = new LinkedHashMap<>(headers);
            if (copy.containsKey(null)) { // asked of the copy: Map.of() and its kind throw for a null key
                throw new InvalidArgumentException("headers", "a Kafka header needs a name");
            }
            headers = Collections.unmodifiableMap(copy);
        }
        if (value != null && valueBytes != null) {
            throw new InvalidArgumentException("value", "a Kafka message's value is text or bytes, not both");
        }
        valueBytes = valueBytes == null ? null : valueBytes.clone();
    }

    /**
     * A message whose value is text.
     *
     * @param key     the record key, possibly {@code null}
     * @param value   the record value, possibly {@code null}
     * @param headers record headers, by name
     */
    public KafkaMessage(String key, String value, Map<String, String> headers) {
        this(key, value, headers, null);
    }

    /**
     * @param value the record value
     * @return a message with no key and no headers
     */
    public static KafkaMessage of(String value) {
        return new KafkaMessage(null, value, Map.of(), null);
    }

    /**
     * @param key     the record key, possibly {@code null}
     * @param value   the record value, sent byte for byte; copied
     * @param headers record headers, by name
     * @return a message whose value is bytes
     */
    public static KafkaMessage ofBytes(String key, byte[] value, Map<String, String> headers) {
        if (value == null) {
            throw new InvalidArgumentException("value", "ofBytes needs bytes; a record without a value is"
                    + " new KafkaMessage(key, null, headers)");
        }
        return new KafkaMessage(key, null, headers, value);
    }

    /** @return a copy of the value's bytes, or {@code null} when the value is text */
    @Override
    public byte[] valueBytes() {
        return valueBytes == null ? null : valueBytes.clone();
    }

    /** @return the value as Kafka gets it: the bytes, or the text in UTF-8, or {@code null} */
    public byte[] payload() {
        return valueBytes != null ? valueBytes.clone() : value == null ? null : value.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof KafkaMessage that && Objects.equals(key, that.key) && Objects.equals(value, that.value)
                && headers.equals(that.headers) && Arrays.equals(valueBytes, that.valueBytes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, value, headers) * 31 + Arrays.hashCode(valueBytes);
    }

    @Override
    public String toString() {
        return "KafkaMessage[key=" + key + ", " + (valueBytes == null ? "value=" + value
                : "valueBytes=" + valueBytes.length + " bytes") + ", headers=" + headers + "]";
    }
}
