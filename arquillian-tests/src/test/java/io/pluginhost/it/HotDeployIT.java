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

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hot deployment on the real server (the suite runs with {@code pluginhost.hot-deploy.enabled=true}):
 * a jar copied into the plugin directory is loaded, a replaced one reloaded, a removed one unloaded.
 * The server acts on its own file-system watch; the test waits for the lifecycle events it announces
 * on the server-sent-event stream, then checks the result over the admin API.
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
        Path target = Path.of(System.getProperty("pluginhost.plugin-dir")).resolve("hot-plugin.jar");
        AdminClient admin = new AdminClient(base);
        BlockingQueue<String> lifecycle = new LinkedBlockingQueue<>();
        HttpResponse<InputStream> stream = listen(admin, lifecycle);
        try {
            Files.copy(version("1.0.0"), target);
            awaitEvent(lifecycle, "LOADED", "1.0.0");
            assertThat(admin.json("POST", "api/plugins/hot-plugin/execute", "null").body()).contains("1.0.0");

            Files.copy(version("2.0.0"), target, StandardCopyOption.REPLACE_EXISTING);
            awaitEvent(lifecycle, "LOADED", "2.0.0");
            assertThat(admin.json("POST", "api/plugins/hot-plugin/execute", "null").body()).contains("2.0.0");

            Files.delete(target);
            awaitEvent(lifecycle, "UNLOADED", "2.0.0");
            assertThat(admin.json("GET", "api/plugins/hot-plugin", null).statusCode()).isEqualTo(404);
        } finally {
            stream.body().close();
        }
    }

    /** Opens the event stream and queues every lifecycle event of hot-plugin; returns once it is open. */
    private static HttpResponse<InputStream> listen(AdminClient admin, BlockingQueue<String> lifecycle)
            throws Exception {
        return admin.events(line -> {
            if (line.contains("\"kind\"") && line.contains("hot-plugin")) {
                lifecycle.add(line);
            }
        });
    }

    /** Takes events until one says {@code kind} of hot-plugin {@code version}; fails after 30 s. */
    private static void awaitEvent(BlockingQueue<String> lifecycle, String kind, String version)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            String event = lifecycle.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            assertThat(event).as("a %s event of hot-plugin %s within 30 s", kind, version).isNotNull();
            if (event.contains("\"kind\":\"" + kind + "\"") && event.contains("\"version\":\"" + version + "\"")) {
                return;
            }
        }
    }

    private Path version(String version) {
        Path into = dir.resolve(version);
        try {
            Files.createDirectories(into);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return PluginJarBuilder.plugin("hot-plugin").version(version)
                .body("public Object execute(Object in) { return \"" + version + "\"; }").build(into);
    }
}
