package io.pluginhost.api.resource;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A record a consumer received.
 *
 * @param topic     the logical topic name, as the plugin declared it
 * @param partition the partition
 * @param offset    the offset in the partition
 * @param key       the key, possibly {@code null}
 * @param value     the value, possibly {@code null}
 * @param headers   the headers, never {@code null}
 * @param timestamp the record timestamp, epoch milliseconds
 */
public record ReceivedMessage(String topic, int partition, long offset, String key, String value,
                              Map<String, String> headers, long timestamp) {

    /** Copies the headers, in their order; a header may have no value ({@code null}). */
    public ReceivedMessage {
        headers = headers == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    }
}
