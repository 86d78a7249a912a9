package io.pluginhost.api.resource;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A record a consumer received. Its value comes both as text ({@link #value()}, the bytes read as
 * UTF-8, where bytes that are not UTF-8 become U+FFFD) and as the bytes the producer wrote
 * ({@link #valueBytes()}), for records that are not text. Keys and header values are read as UTF-8.
 * Equal when every component is equal, the bytes by content.
 *
 * @param topic      the logical topic name, as the plugin declared it
 * @param partition  the partition
 * @param offset     the offset in the partition
 * @param key        the key, possibly {@code null}
 * @param value      the value as text, possibly {@code null}
 * @param headers    the headers, never {@code null}
 * @param timestamp  the record timestamp, epoch milliseconds
 * @param valueBytes the value as the producer wrote it, {@code null} exactly when {@code value} is
 */
public record ReceivedMessage(String topic, int partition, long offset, String key, String value,
                              Map<String, String> headers, long timestamp, byte[] valueBytes) {

    /** Copies the headers, in their order (a header may have no value, {@code null}), and the bytes. */
    public ReceivedMessage {
        headers = headers == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(headers));
        valueBytes = valueBytes != null ? valueBytes.clone()
                : value == null ? null : value.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A received record whose value is text, as a plugin's tests make one.
     *
     * @param topic     the logical topic name
     * @param partition the partition
     * @param offset    the offset in the partition
     * @param key       the key, possibly {@code null}
     * @param value     the value, possibly {@code null}
     * @param headers   the headers
     * @param timestamp the record timestamp, epoch milliseconds
     */
    public ReceivedMessage(String topic, int partition, long offset, String key, String value,
                           Map<String, String> headers, long timestamp) {
        this(topic, partition, offset, key, value, headers, timestamp, null);
    }

    /** @return a copy of the value as the producer wrote it, or {@code null} */
    @Override
    public byte[] valueBytes() {
        return valueBytes == null ? null : valueBytes.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ReceivedMessage that && Objects.equals(topic, that.topic)
                && partition == that.partition && offset == that.offset && Objects.equals(key, that.key)
                && Objects.equals(value, that.value) && headers.equals(that.headers) && timestamp == that.timestamp
                && Arrays.equals(valueBytes, that.valueBytes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(topic, partition, offset, key, value, headers, timestamp) * 31
                + Arrays.hashCode(valueBytes);
    }

    @Override
    public String toString() {
        return "ReceivedMessage[topic=" + topic + ", partition=" + partition + ", offset=" + offset + ", key=" + key
                + ", value=" + value + ", headers=" + headers + ", timestamp=" + timestamp + ", valueBytes="
                + (valueBytes == null ? null : valueBytes.length + " bytes") + "]";
    }
}
