package io.pluginhost.leaks;

import io.pluginhost.runtime.ModuleLayerPluginManager;
import io.pluginhost.runtime.testing.PluginJarBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LoaderLeakAnalyzerTest {

    /** What keeps the plugin: a static field, as a careless host component would. */
    static Object keptByTheHost;

    @TempDir
    Path dir;

    private final ModuleLayerPluginManager manager = new ModuleLayerPluginManager();

    @AfterEach
    void stop() {
        keptByTheHost = null;
        manager.close();
    }

    @Test
    void theVerdictIsThePathFromAGcRootToTheUnloadedPluginsLoader() throws Exception {
        manager.load(PluginJarBuilder.plugin("pinned").body("public Object execute(Object in) { return this; }")
                .build(dir));
        manager.load(PluginJarBuilder.plugin("free").build(dir));
        keptByTheHost = manager.execute("pinned", null);
        manager.unload("pinned");
        manager.unload("free");

        Map<String, String> verdicts = new LoaderLeakAnalyzer(dir.resolve("dumps"), Duration.ofMinutes(2),
                Long.MAX_VALUE).explain();

        assertThat(verdicts).containsOnlyKeys("pinned@1.0.0");
        assertThat(verdicts.get("pinned@1.0.0")).contains("LoaderLeakAnalyzerTest").contains("keptByTheHost");
        try (var files = Files.list(dir.resolve("dumps"))) {
            assertThat(files).as("the dump is deleted").isEmpty();
        }
    }

    @Test
    void aHeapLargerThanTheBoundIsNotDumped() {
        assertThatThrownBy(() -> new LoaderLeakAnalyzer(dir, Duration.ofMinutes(1), 1).explain())
                .isInstanceOf(LeakAnalysisException.class).hasMessageContaining("pluginhost.leaks.max-heap-mb");
    }
}
