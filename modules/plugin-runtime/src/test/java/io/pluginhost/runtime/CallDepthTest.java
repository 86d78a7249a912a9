package io.pluginhost.runtime;

import io.pluginhost.api.exception.CallDepthExceededException;
import io.pluginhost.api.exception.PluginExecutionException;
import io.pluginhost.runtime.testing.Gc;
import io.pluginhost.runtime.testing.Handoff;
import io.pluginhost.runtime.testing.PluginJarBuilder;
import io.pluginhost.runtime.testing.RecordingListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.ref.WeakReference;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Plugins that answer each other's events cannot recurse the host into the ground. */
class CallDepthTest {

    @TempDir
    Path dir;

    private final RecordingListener events = new RecordingListener();
    private final ModuleLayerPluginManager manager = new ModuleLayerPluginManager(HostServices.NONE,
            EngineLimits.defaults().withDrainTimeout(Duration.ofSeconds(2)).withMaxCallDepth(16));

    CallDepthTest() {
        manager.addLifecycleListener(events);
    }

    @AfterEach
    void stop() {
        manager.close();
    }

    /** Answers every event {@code hear} by emitting {@code say}. */
    private PluginJarBuilder echo(String name, String hear, String say) {
        return PluginJarBuilder.plugin(name).body("""
                public void initialize(PluginContext context) {
                    %s
                    context.eventBus().on("%s", e -> context.eventBus().emit("%s", e.data()));
                }
                """.formatted(Handoff.put(name + ".loader",
                "new java.lang.ref.WeakReference<ClassLoader>(getClass().getClassLoader())"), hear, say));
    }

    @Test
    void pluginsAnsweringEachOtherStopAtTheDepthLimitWithATypedErrorNamingTheChain() {
        manager.load(echo("ping", "ping", "pong").build(dir));
        manager.load(echo("pong", "pong", "ping").build(dir));
        WeakReference<ClassLoader> ping = Handoff.take("ping.loader");
        WeakReference<ClassLoader> pong = Handoff.take("pong.loader");

        manager.publish("ping", "ball");

        assertThat(events.errors).singleElement().isInstanceOf(CallDepthExceededException.class)
                .satisfies(e -> {
                    CallDepthExceededException deep = (CallDepthExceededException) e;
                    assertThat(deep.chain()).hasSize(17).startsWith("ping", "pong", "ping");
                    assertThat(deep.getMessage()).contains("ping -> pong -> ping").contains("deeper than 16");
                });
        // The gates are exact: both plugins drain and unload at once, and nothing keeps them.
        manager.unloadAll();
        assertThat(Gc.collects(ping)).isTrue();
        assertThat(Gc.collects(pong)).isTrue();
    }

    @Test
    void aStackOverflowInsidePluginCodeIsDetachedAndTheGateStaysExact() {
        manager.load(PluginJarBuilder.plugin("diver").body("""
                public void initialize(PluginContext context) {
                    context.eventBus().on("dive", e -> dive(0));
                }
                public Object execute(Object in) {
                    return dive(0);
                }
                private static int dive(int n) {
                    return dive(n + 1) + 1;
                }
                """).build(dir));

        manager.publish("dive", null);

        assertThat(events.errors).singleElement().satisfies(e -> assertThat(e).hasMessageContaining("StackOverflowError")
                .getCause().isNotInstanceOf(StackOverflowError.class));
        assertThatThrownBy(() -> manager.execute("diver", null)).isInstanceOf(PluginExecutionException.class)
                .hasMessageContaining("StackOverflowError").cause().isNotInstanceOf(StackOverflowError.class);
        assertThat(manager.unloadAll()).containsExactly("diver");
    }
}
