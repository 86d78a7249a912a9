package io.pluginhost.resource.kafka;

import io.pluginhost.api.exception.InvalidArgumentException;
import io.pluginhost.api.resource.KafkaMessage;
import io.pluginhost.api.resource.ReceivedMessage;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The API's message values: text or bytes, compared by content, never shared with the caller. */
class KafkaMessagesTest {

    @Test
    void aMessageIsTextOrBytesAndPaysOutWhatKafkaGets() {
        byte[] bytes = {1, 2, (byte) 0xFF};
        KafkaMessage binary = KafkaMessage.ofBytes("k", bytes, Map.of());
        bytes[0] = 9; // the caller's array changes after the message was made

        assertThat(binary.payload()).containsExactly(1, 2, 0xFF);
        assertThat(binary.value()).isNull();
        binary.valueBytes()[1] = 9; // nor does the message hand out its own
        assertThat(binary.valueBytes()).containsExactly(1, 2, 0xFF);
        assertThat(KafkaMessage.of("é").payload()).isEqualTo("é".getBytes(StandardCharsets.UTF_8));
        assertThat(KafkaMessage.of("é").valueBytes()).isNull();
        assertThat(new KafkaMessage("k", null, Map.of()).payload()).isNull();
        assertThat(binary.toString()).contains("valueBytes=3 bytes");
    }

    @Test
    void aValueIsNeverGivenTwiceOrAsNoBytes() {
        assertThatThrownBy(() -> new KafkaMessage("k", "text", Map.of(), new byte[1]))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("text or bytes, not both");
        assertThatThrownBy(() -> KafkaMessage.ofBytes("k", null, Map.of()))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("ofBytes needs bytes");
    }

    @Test
    void messagesAreEqualByTheContentOfTheirBytes() {
        assertThat(KafkaMessage.ofBytes("k", new byte[] {1, 2}, Map.of("h", "v")))
                .isEqualTo(KafkaMessage.ofBytes("k", new byte[] {1, 2}, Map.of("h", "v")))
                .hasSameHashCodeAs(KafkaMessage.ofBytes("k", new byte[] {1, 2}, Map.of("h", "v")))
                .isNotEqualTo(KafkaMessage.ofBytes("k", new byte[] {1, 3}, Map.of("h", "v")));
        assertThat(KafkaMessage.of("a")).isEqualTo(KafkaMessage.of("a")).isNotEqualTo(KafkaMessage.of("b"));

        ReceivedMessage text = new ReceivedMessage("t", 0, 1, "k", "é", Map.of(), 5);
        assertThat(text.valueBytes()).isEqualTo("é".getBytes(StandardCharsets.UTF_8));
        assertThat(text).isEqualTo(new ReceivedMessage("t", 0, 1, "k", "é", Map.of(), 5,
                "é".getBytes(StandardCharsets.UTF_8))).hasSameHashCodeAs(new ReceivedMessage("t", 0, 1, "k", "é",
                Map.of(), 5));
        assertThat(new ReceivedMessage("t", 0, 1, "k", null, Map.of(), 5).valueBytes()).isNull();
    }
}
