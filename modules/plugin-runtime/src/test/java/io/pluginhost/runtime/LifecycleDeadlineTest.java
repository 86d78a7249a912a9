package io.pluginhost.runtime;

import io.pluginhost.api.exception.PluginLoadException;
import io.pluginhost.api.exception.PluginTimeoutException;
import io.pluginhost.api.exception.PluginUnloadException;
import io.pluginhost.runtime.testing.Handoff;
import io.pluginhost.runtime.testing.PluginJarBuilder;
import io.pluginhost.runtime.testing.RecordingListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A plugin whose initialize or cleanup never returns cannot hold the lifecycle lock. */
class LifecycleDeadlineTest {

    private static final String RELEASE = "deadline-test.release";
    private final java.util.concurrent.CountDownLatch release = Handoff.latch(RELEASE);

    @TempDir
    Path dir;

    private final RecordingListener events = new RecordingListener();
    private final ModuleLayerPluginManager manager = new ModuleLayerPluginManager(HostServices.NONE,
            EngineLimits.defaults().withDrainTimeout(Duration.ofSeconds(1))
                    .withDeadlines(Duration.ofMillis(300), Duration.ofMillis(300)));

    LifecycleDeadlineTest() {
        manager.addLifecycleListener(events);
    }

    @AfterEach
    void stop() {
        release.countDown(); // lets the stuck plugin threads end
        manager.close();
        Handoff.take(RELEASE);
    }

    /** Plugin code that ignores interruption and waits until the test lets it go. */
    private static String stuck() {
        return Handoff.awaitLatch(RELEASE);
    }

    @Test
    void anInitializeThatNeverReturnsFailsTheLoadNamingTheStuckThreadAndReleasesTheLock() {
        Path jar = PluginJarBuilder.plugin("stuck-init").body("public void initialize(PluginContext c) {" + stuck()
                + "}").build(dir);

        assertThatThrownBy(() -> manager.load(jar)).isInstanceOf(PluginLoadException.class)
                .hasMessageContaining("did not return within 300 ms")
                .cause().isInstanceOf(PluginTimeoutException.class)
                .satisfies(e -> {
                    PluginTimeoutException timeout = (PluginTimeoutException) e;
                    assertThat(timeout.pluginName()).isEqualTo("stuck-init");
                    assertThat(timeout.phase()).isEqualTo("initialize");
                    assertThat(timeout.threadName()).isEqualTo("plugin-initialize-stuck-init");
                });

        // The lifecycle lock is free: other plugins load and unload at once, their initialize on a
        // new lifecycle worker (the stuck one was renamed for what it is stuck in).
        manager.load(PluginJarBuilder.plugin("fine").body("public void initialize(PluginContext c) {"
                + Handoff.put("fine.thread", "Thread.currentThread().getName()") + "}").build(dir));
        assertThat((String) Handoff.take("fine.thread")).isEqualTo("pluginhost-lifecycle");
        manager.unload("fine");
        assertThat(manager.find("stuck-init")).isEmpty();
        assertThat(manager.leakSuspects().get("stuck-init@1.0.0"))
                .anySatisfy(reason -> assertThat(reason).contains("plugin-initialize-stuck-init"));
    }

    @Test
    void aCleanupThatNeverReturnsStillCompletesTheUnload() {
        manager.load(PluginJarBuilder.plugin("stuck-cleanup").body("public void cleanup() {" + stuck() + "}")
                .build(dir));

        assertThatThrownBy(() -> manager.unload("stuck-cleanup")).isInstanceOf(PluginUnloadException.class)
                .hasMessageContaining("was unloaded").hasMessageContaining("did not return within 300 ms");

        assertThat(manager.find("stuck-cleanup")).isEmpty();
        manager.load(PluginJarBuilder.plugin("stuck-cleanup").build(dir)); // the name is free again
        assertThat(manager.leakSuspects().get("stuck-cleanup@1.0.0"))
                .anySatisfy(reason -> assertThat(reason).contains("plugin-cleanup-stuck-cleanup"));
    }

    @Test
    void withDeadlinesSwitchedOffInitializeAndCleanupRunOnTheCallersThreadWithThePluginsLoader() {
        String body = "public void initialize(PluginContext c) {" + Handoff.put("inline.init",
                "Thread.currentThread().getName() + \" \" + (Thread.currentThread().getContextClassLoader()"
                        + " == getClass().getClassLoader())") + "}"
                + "public void cleanup() {" + Handoff.put("inline.cleanup", "Thread.currentThread().getName()") + "}";
        Thread.currentThread().setName("inline-caller");
        try (ModuleLayerPluginManager inline = new ModuleLayerPluginManager(HostServices.NONE,
                EngineLimits.defaults().withoutLifecycleDeadlines())) {
            inline.load(PluginJarBuilder.plugin("inline").body(body).build(dir));
            inline.unload("inline");
        }
        assertThat((String) Handoff.take("inline.init")).isEqualTo("inline-caller true");
        assertThat((String) Handoff.take("inline.cleanup")).isEqualTo("inline-caller");
    }
}
