package io.pluginhost.host;

import io.pluginhost.runtime.testing.Gc;
import io.pluginhost.runtime.testing.PluginJarBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.ref.WeakReference;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Writing a plugin's record as JSON keeps its class, and so its loader, in JSON-B's models until the host
 * forgets them, which it does at every unload (the real server: {@code AdminApiIT}).
 */
class PluginObjectJsonTest {

    @TempDir
    Path dir;

    @Test
    void aClassWrittenOnceIsHeldUntilTheModelsAreForgotten() throws Exception {
        PluginObjectJson json = new PluginObjectJson();
        Path jar = PluginJarBuilder.libraryJar(dir, "records.jar",
                Map.of("records/Note.java", "package records; public record Note(String text, int stars) { }"));
        WeakReference<ClassLoader> loader = writeOneNote(json, jar);

        assertThat(Gc.collects(loader)).as("held by JSON-B's model of records.Note").isFalse();
        json.forgetPluginClasses();
        assertThat(Gc.collects(loader)).as("collected once the models are forgotten").isTrue();
        assertThat(json.toJson(Map.of("still", "works"))).isEqualTo("{\"still\":\"works\"}");
    }

    private static WeakReference<ClassLoader> writeOneNote(PluginObjectJson json, Path jar) throws Exception {
        URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null);
        Object note = loader.loadClass("records.Note").getConstructor(String.class, int.class).newInstance("hi", 3);
        assertThat(json.toJson(note)).isEqualTo("{\"stars\":3,\"text\":\"hi\"}");
        loader.close();
        return new WeakReference<>(loader);
    }

    @Test
    void aBoundedWriteStopsAtItsLimitAndSaysSo() {
        PluginObjectJson json = new PluginObjectJson();

        assertThat(json.toJson(Map.of("a", "xyz"), 11)).hasValue("{\"a\":\"xyz\"}");
        assertThat(json.toJson(Map.of("a", "xyz"), 10)).isEmpty();
        java.util.List<String> endless = new java.util.AbstractList<>() {
            @Override
            public String get(int index) {
                return "item";
            }

            @Override
            public int size() {
                return Integer.MAX_VALUE;
            }
        };
        assertThat(json.toJson(endless, 1_000)).as("stops at the limit, not at 2^31 elements").isEmpty();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> json.toJson(new Object() {
            public String getBroken() {
                throw new IllegalStateException("no");
            }
        }, 1_000)).as("not JSON-shaped: JSON-B's own error").isInstanceOf(RuntimeException.class);
    }

    /** A measurement of a plugin, as a plugin's record would carry it. */
    public record Reading(String sensor, double value, Float ratio) {
    }

    /**
     * A result with NaN or an infinity was refused with Yasson's words for it: "Character N is neither a
     * decimal digit number, decimal point, nor "e" notation exponential mark".
     */
    @Test
    void aNumberJsonCannotCarryIsNamedAsSuch() {
        PluginObjectJson json = new PluginObjectJson();

        for (Object result : new Object[] {Map.of("ratio", Double.NaN),
                java.util.List.of(1.5f, Float.NEGATIVE_INFINITY), new Reading("t1", Double.POSITIVE_INFINITY, 0.5f),
                new Reading("t2", 1.0, Float.NaN), Double.NaN}) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> json.toJson(result, 1_000)).as("%s", result)
                    .isInstanceOf(RuntimeException.class)
                    .hasMessageContaining("JSON has no NaN or infinite numbers")
                    .hasMessageNotContaining("Character");
        }
        assertThat(json.toJson(new Reading("t3", 2.5, 0.25f), 1_000)).hasValue(
                "{\"ratio\":0.25,\"sensor\":\"t3\",\"value\":2.5}");
        assertThat(json.toJson(new java.util.TreeMap<>(Map.of("big", Double.MAX_VALUE, "small", -Float.MIN_VALUE)),
                1_000)).hasValue("{\"big\":1.7976931348623157E308,\"small\":-1.4E-45}");
    }
}
