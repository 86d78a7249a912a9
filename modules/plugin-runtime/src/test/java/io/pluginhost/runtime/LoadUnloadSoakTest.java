package io.pluginhost.runtime;

import io.pluginhost.runtime.testing.Gc;
import io.pluginhost.runtime.testing.PluginJarBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ClassLoadingMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * 1,000 load/initialize/execute/unload cycles of a small plugin: loaded classes and metaspace stay
 * flat once GC has run, and no unloaded plugin's loader stays alive. Asserts memory, never time.
 */
class LoadUnloadSoakTest {

    @TempDir
    Path dir;

    @Test
    void thousandLoadUnloadCyclesLeaveClassCountAndMetaspaceFlat() {
        Path jar = PluginJarBuilder.plugin("tiny").body("""
                private PluginContext context;
                public void initialize(PluginContext context) {
                    this.context = context;
                    context.eventBus().on("tick", e -> { });
                }
                public Object execute(Object in) { context.eventBus().emit("tock", in); return in; }
                """).build(dir);
        ClassLoadingMXBean classes = ManagementFactory.getClassLoadingMXBean();
        try (ModuleLayerPluginManager manager = new ModuleLayerPluginManager()) {
            cycle(manager, jar, 100); // warm up: JIT, proxies and JDK caches settle
            Gc.settle();
            long classesBefore = classes.getLoadedClassCount();
            long metaspaceBefore = metaspaceUsed();

            cycle(manager, jar, 1_000);
            Gc.settle();
            long classesAfter = classes.getLoadedClassCount();
            long metaspaceAfter = metaspaceUsed();

            // Without unloading, 1,000 cycles would leave at least 1,000 plugin classes behind.
            assertThat(classesAfter - classesBefore).as("loaded classes growth").isLessThan(100);
            assertThat(metaspaceAfter - metaspaceBefore).as("metaspace growth in bytes").isLessThan(4L << 20);
            assertThat(manager.unloadedButNotCollected()).as("loaders still alive").isEmpty();
            assertThat(manager.hub().ownerCount()).isZero();
        }
    }

    private static void cycle(ModuleLayerPluginManager manager, Path jar, int times) {
        for (int i = 0; i < times; i++) {
            manager.load(jar);
            assertThat(manager.execute("tiny", i)).isEqualTo(i);
            manager.unload("tiny");
        }
    }

    private static long metaspaceUsed() {
        return ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getName().equals("Metaspace"))
                .mapToLong(pool -> pool.getUsage().getUsed())
                .sum();
    }
}
