package io.pluginhost.host;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.AbstractList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the host copies of a plugin's payload before passing it on: plain JSON values, up to a size. */
class HostEventRelayTest {

    private final HostEventRelay relay = new HostEventRelay(Thread::new, new PluginObjectJson(), 1_000);

    @AfterEach
    void close() {
        relay.close();
    }

    @Test
    void aPayloadIsCopiedAsPlainJsonValuesWithTheLengthOfItsJson() {
        HostEventRelay.Copy copy = relay.copy(Map.of("n", 1, "tags", List.of("a"))).orElseThrow();

        assertThat(copy.value()).isEqualTo(Map.of("n", java.math.BigDecimal.ONE, "tags", List.of("a")));
        assertThat(copy.chars()).isEqualTo("{\"n\":1,\"tags\":[\"a\"]}".length());
        assertThat(relay.copy(null).orElseThrow().value()).isNull();
    }

    @Test
    void aPayloadOverTheLimitIsNotCopiedAndWritingItStopsAtTheLimit() {
        // Before, the whole payload was written and read back: a 70 MB string ran a 512 MB server out of heap.
        assertThat(relay.copy("x".repeat(998))).isPresent();
        assertThat(relay.copy("x".repeat(999))).as("1,001 characters of JSON with its quotes").isEmpty();
        List<String> endless = new AbstractList<>() {
            @Override
            public String get(int index) {
                return "item " + index;
            }

            @Override
            public int size() {
                return Integer.MAX_VALUE;
            }
        };
        assertThat(relay.copy(endless)).as("stops at the limit, not at 2^31 elements").isEmpty();
        assertThat(relay.copy(new Unwritable("y".repeat(10)))).hasValueSatisfying(copy ->
                assertThat(copy.value()).isEqualTo("yyyyyyyyyy"));
        assertThat(relay.copy(new Unwritable("y".repeat(5_000)))).as("not JSON-shaped, and its text over the limit")
                .isEmpty();
    }

    /** Not JSON-shaped: JSON-B cannot read its property, so the host passes its text on. */
    public static final class Unwritable {
        private final String text;

        Unwritable(String text) {
            this.text = text;
        }

        public String getBroken() {
            throw new IllegalStateException("no");
        }

        @Override
        public String toString() {
            return text;
        }
    }

    @Test
    void aLimitBelowOneIsRefusedNamingItsKey() {
        assertThatThrownBy(() -> new HostEventRelay(Thread::new, new PluginObjectJson(), 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pluginhost.events.max-payload-chars");
    }
}
