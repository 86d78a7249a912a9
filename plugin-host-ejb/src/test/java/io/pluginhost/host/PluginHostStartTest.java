package io.pluginhost.host;

import io.pluginhost.observability.HostHealth;
import io.pluginhost.observability.MicrometerExport;
import io.pluginhost.runtime.testing.PluginJarBuilder;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.event.Event;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The host's start with a setting it cannot use, found after plugins have loaded: the deployment fails,
 * and what the start had set going (the engine and its plugins, the host's threads) is stopped, not
 * left running in a deployment that failed. The container's services are small fakes; the engine and
 * the plugin are real.
 */
class PluginHostStartTest {

    private static final String CLEANED = "pluginhost.test.start-failure.cleaned";

    @TempDir
    Path dir;

    /** Every thread the host asked the container for. */
    private final List<Thread> threads = new CopyOnWriteArrayList<>();

    @AfterEach
    void clear() {
        System.clearProperty(CLEANED);
    }

    @Test
    void aStartThatFailsAfterPluginsLoadedUnloadsThemAndEndsEveryThreadItStarted() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        PluginJarBuilder.plugin("started").body("public void cleanup() { System.setProperty(\"" + CLEANED
                + "\", \"yes\"); }").build(plugins);
        PluginHost host = host(Map.of("pluginhost.plugin-dir", plugins.toString(),
                "pluginhost.database.enabled", "false",
                "pluginhost.hot-deploy.enabled", "true",
                "pluginhost.hot-deploy.quiet-ms", "0"));

        assertThatThrownBy(host::start).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("quiet period 0 ms");

        assertThat(System.getProperty(CLEANED)).as("the loaded plugin's cleanup ran").isEqualTo("yes");
        assertThat(threads).as("the host started threads before it failed (the relay, the retries' timer)")
                .isNotEmpty();
        for (Thread thread : threads) {
            thread.join(10_000);
            assertThat(thread.isAlive()).as("%s ended", thread.getName()).isFalse();
        }
        assertThat(host.plugins()).as("no engine is left").isNull();
    }

    private PluginHost host(Map<String, String> settings) {
        PluginHost host = new PluginHost();
        host.config = TestConfig.of(Map.of(), settings);
        host.lifecycle = fake(Event.class);
        host.busEvents = fake(Event.class);
        host.health = new HostHealth();
        host.meters = new MicrometerExport();
        host.threads = (ManagedThreadFactory) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ManagedThreadFactory.class}, (proxy, method, args) -> {
                    if (method.getName().equals("newThread") && args[0] instanceof Runnable task) {
                        Thread thread = new Thread(task);
                        threads.add(thread);
                        return thread;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        return host;
    }

    @SuppressWarnings("unchecked")
    private static <T> T fake(Class<?> type) {
        return (T) Proxy.newProxyInstance(PluginHostStartTest.class.getClassLoader(), new Class<?>[] {type},
                (proxy, method, args) -> {
                    if (method.getName().equals("fire")) {
                        return null;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }
}
