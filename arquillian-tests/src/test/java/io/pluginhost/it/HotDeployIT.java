package io.pluginhost.it;

import io.pluginhost.it.support.AdminClient;
import io.pluginhost.runtime.testing.PluginJarBuilder;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hot deployment on the real server (the suite runs with {@code pluginhost.hot-deploy.enabled=true}):
 * a jar copied into the plugin directory is loaded, a replaced one reloaded, a removed one unloaded.
 * The test waits on the lifecycle events of the server-sent-event stream, not on a clock.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class HotDeployIT {

    @ArquillianResource
    URL base;

    @TempDir
    Path dir;

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return AdminClient.hostEar();
    }

    @Test
    void aJarCopiedInLoadsAReplacedOneReloadsAndARemovedOneUnloads() throws Exception {
        Path plugins = Path.of(System.getProperty("pluginhost.plugin-dir"));
        BlockingQueue<String> lifecycle = new LinkedBlockingQueue<>();
        CountDownLatch ready = new CountDownLatch(1);
        HttpResponse<InputStream> stream = new AdminClient(base).stream("api/events");
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    if (line.contains("\"stream\"")) {
                        ready.countDown();
                    } else if (line.contains("\"kind\"") && line.contains("hot-plugin")) {
                        lifecycle.add(line);
                    }
                }
            } catch (Exception closed) {
                // the test closes the stream
            }
        }, "sse-reader");
        reader.setDaemon(true);
        reader.start();
        try {
            assertThat(ready.await(30, TimeUnit.SECONDS)).as("stream opened").isTrue();
            Path target = plugins.resolve("hot-plugin.jar");

            Files.copy(version("1.0.0"), target);
            assertThat(next(lifecycle)).contains("\"kind\":\"LOADED\"", "\"version\":\"1.0.0\"");
            assertThat(new AdminClient(base).json("POST", "api/plugins/hot-plugin/execute", "null").body())
                    .contains("1.0.0");

            Files.copy(version("2.0.0"), target, StandardCopyOption.REPLACE_EXISTING);
            assertThat(next(lifecycle)).contains("\"kind\":\"UNLOADED\"", "\"version\":\"1.0.0\"");
            assertThat(next(lifecycle)).contains("\"kind\":\"LOADED\"", "\"version\":\"2.0.0\"");

            Files.delete(target);
            assertThat(next(lifecycle)).contains("\"kind\":\"UNLOADED\"", "\"version\":\"2.0.0\"");
            assertThat(new AdminClient(base).json("GET", "api/plugins/hot-plugin", null).statusCode()).isEqualTo(404);
        } finally {
            stream.body().close();
        }
    }

    private Path version(String version) {
        Path into = dir.resolve(version);
        try {
            Files.createDirectories(into);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return PluginJarBuilder.plugin("hot-plugin").version(version)
                .body("public Object execute(Object in) { return \"" + version + "\"; }").build(into);
    }

    private static String next(BlockingQueue<String> lifecycle) throws InterruptedException {
        String event = lifecycle.poll(30, TimeUnit.SECONDS);
        assertThat(event).as("a lifecycle event of hot-plugin within 30 s").isNotNull();
        return event;
    }
}
