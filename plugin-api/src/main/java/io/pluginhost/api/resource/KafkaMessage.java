package io.pluginhost.api.resource;

import java.util.Map;

/**
 * A message to send to Kafka. Keys, values and header values are UTF-8 text.
 *
 * @param key     the record key, possibly {@code null}
 * @param value   the record value, possibly {@code null}
 * @param headers record headers; never {@code null}
 */
public record KafkaMessage(String key, String value, Map<String, String> headers) {

    /** Copies the headers. */
    public KafkaMessage {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }

    /**
     * @param value the record value
     * @return a message with no key and no headers
     */
    public static KafkaMessage of(String value) {
        return new KafkaMessage(null, value, Map.of());
    }
}
