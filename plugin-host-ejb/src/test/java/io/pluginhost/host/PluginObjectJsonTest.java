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
}
