package io.pluginhost.admin;

import jakarta.ws.rs.ProcessingException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonBodiesTest {

    private static Object read(Class<?> type, String body) {
        @SuppressWarnings("unchecked")
        Class<Object> target = (Class<Object>) type;
        return new JsonBodies().readFrom(target, type, null, null, null,
                new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void valuesComeAsJsonBindingGaveThemWithAnObjectsKeysInTheirOrder() {
        Object value = read(Object.class, " {\"b\": [1, 2.5, \"x\", true, null], \"a\": {\"n\": -3e2}, \"c\": false} ");

        assertThat(value).isEqualTo(Map.of("b", java.util.Arrays.asList(new BigDecimal("1"), new BigDecimal("2.5"),
                "x", true, null), "a", Map.of("n", new BigDecimal("-3e2")), "c", false));
        assertThat(List.copyOf(((Map<?, ?>) value).keySet())).isEqualTo(List.of("b", "a", "c"));
        assertThat(read(Object.class, "\"text\"")).isEqualTo("text");
        assertThat(read(Object.class, "[]")).isEqualTo(List.of());
        assertThat(read(Map.class, "{}")).isEqualTo(Map.of());
    }

    @Test
    void anEmptyBodyOrJsonNullIsNullForTheEndpointToAnswer() {
        assertThat(read(Map.class, "")).isNull();
        assertThat(read(Map.class, " \t\r\n")).isNull();
        assertThat(read(Map.class, "null")).isNull();
        assertThat(read(Object.class, "")).isNull();
    }

    @Test
    void aMapParameterTakesAnObjectOnly() {
        // JSON-B read "[]" as a map's entry list: an empty map, which cleared every setting.
        assertThatThrownBy(() -> read(Map.class, "[]")).isInstanceOf(ProcessingException.class)
                .hasMessage("give a JSON object, not an array");
        assertThatThrownBy(() -> read(Map.class, "[{\"key\": \"a\", \"value\": \"b\"}]"))
                .hasMessageContaining("not an array");
        assertThatThrownBy(() -> read(Map.class, "\"x\"")).hasMessageContaining("not a string");
        assertThatThrownBy(() -> read(Map.class, "5")).hasMessageContaining("not a number");
        assertThatThrownBy(() -> read(Map.class, "true")).hasMessageContaining("not a boolean");
    }

    @Test
    void aBodyIsOneValueAndNothingAfterIt() {
        for (String body : new String[] {"{\"a\": 1} trailing", "{\"a\": 1}{\"a\": 2}", "[1] [2]", "1 2"}) {
            assertThatThrownBy(() -> read(Object.class, body)).as(body).isInstanceOf(ProcessingException.class)
                    .hasMessageStartingWith("it goes on after its JSON value, at offset ");
        }
    }

    @Test
    void aKeyGivenTwiceIsRefusedAtAnyDepth() {
        assertThatThrownBy(() -> read(Map.class, "{\"a\": \"x\", \"a\": \"y\"}"))
                .hasMessageEndingWith("the key 'a' is given twice");
        assertThatThrownBy(() -> read(Object.class, "[{\"tableNameMap\": {\"t\": \"x\", \"t\": \"y\"}}]"))
                .hasMessageEndingWith("the key 't' is given twice");
    }

    @Test
    void malformedCutShortOrTooDeepBodiesAreRefusedWithTheirReason() {
        for (String body : new String[] {"\u001c", "\u00a0", "{\"broken\": ", "{\"a\" 1}", "[1,", "{", "tru", "{\"a\": 1,}", "\"open"}) {
            assertThatThrownBy(() -> read(Object.class, body)).as(body).isInstanceOf(ProcessingException.class)
                    .satisfies(e -> assertThat(e.getMessage()).isNotBlank());
        }
        byte[] latin1 = "{\"greeting\": \"gr\u00fc\u00df\"}".getBytes(StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> new JsonBodies().readFrom(Object.class, Object.class, null, null, null,
                new ByteArrayInputStream(latin1))).hasMessage("it is not UTF-8");
        String deepest = "[".repeat(JsonBodies.MAX_DEPTH) + "]".repeat(JsonBodies.MAX_DEPTH);
        assertThat(read(Object.class, deepest)).isInstanceOf(List.class);
        String deeper = "[".repeat(200_000) + "]".repeat(200_000);
        assertThatThrownBy(() -> read(Object.class, deeper))
                .hasMessageEndingWith("it is nested deeper than " + JsonBodies.MAX_DEPTH + " levels");
    }

    @Test
    void aBodyWithoutALengthIsReadNoFurtherThanTheLimitAndRefusedWith413() {
        // A chunked body has no length for RequestLimits to refuse up front: it was read whole into the heap,
        // up to Undertow's max-post-size (a 60 MB string reached the plugin).
        long length = 64L << 20;
        long[] read = {0};
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                return read[0]++ == 0 || read[0] == length ? '"' : read[0] > length ? -1 : 'x';
            }
        };

        assertThatThrownBy(() -> new JsonBodies().readFrom(Object.class, Object.class, null, null, null, endless))
                .isInstanceOf(RequestLimits.TooLarge.class).hasMessage("the body is larger than 1048576 bytes");
        assertThat(read[0]).isLessThanOrEqualTo(RequestLimits.MAX_JSON_BYTES + 1);
    }
}
