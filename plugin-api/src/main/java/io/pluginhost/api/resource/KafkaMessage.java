package io.pluginhost.api.resource;

import io.pluginhost.api.exception.InvalidArgumentException;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A message to send to Kafka. Keys, values and header values are UTF-8 text.
 *
 * @param key     the record key, possibly {@code null}
 * @param value   the record value, possibly {@code null}
 * @param headers record headers, by name; never {@code null}
 */
public record KafkaMessage(String key, String value, Map<String, String> headers) {

    /**
     * Copies the headers, in their order; a header may have no value ({@code null}).
     *
     * @throws InvalidArgumentException if a header has no name
     */
    public KafkaMessage {
        headers = headers == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(headers));
        if (headers.containsKey(null)) {
            throw new InvalidArgumentException("headers", "a Kafka header needs a name");
        }
    }

    /**
     * @param value the record value
     * @return a message with no key and no headers
     */
    public static KafkaMessage of(String value) {
        return new KafkaMessage(null, value, Map.of());
    }
}
