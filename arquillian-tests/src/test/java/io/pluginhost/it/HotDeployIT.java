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

import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hot deployment on the real server (the suite runs with {@code pluginhost.hot-deploy.enabled=true}):
 * a jar copied into the plugin directory is loaded, a replaced one reloaded, a removed one unloaded.
 * The server acts on its own file-system watch, so the test polls the admin API for the result.
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
        AdminClient admin = new AdminClient(base);
        Path target = plugins.resolve("hot-plugin.jar");

        Files.copy(version("1.0.0"), target);
        awaitVersion(admin, "1.0.0");
        assertThat(admin.json("POST", "api/plugins/hot-plugin/execute", "null").body()).contains("1.0.0");

        Files.copy(version("2.0.0"), target, StandardCopyOption.REPLACE_EXISTING);
        awaitVersion(admin, "2.0.0");
        assertThat(admin.json("POST", "api/plugins/hot-plugin/execute", "null").body()).contains("2.0.0");

        Files.delete(target);
        awaitVersion(admin, null);
    }

    /** Polls the admin API until hot-plugin runs {@code version} (or is gone, for null), for up to 30 s. */
    private static void awaitVersion(AdminClient admin, String version) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        HttpResponse<String> answer;
        do {
            answer = admin.json("GET", "api/plugins/hot-plugin", null);
            boolean reached = version == null ? answer.statusCode() == 404
                    : answer.statusCode() == 200 && answer.body().contains("\"version\":\"" + version + "\"")
                    && answer.body().contains("\"state\":\"LOADED\"");
            if (reached) {
                return;
            }
            Thread.sleep(100); // a file-system watch on the server: nothing to wait on but its result
        } while (System.nanoTime() < deadline);
        assertThat(answer.body()).as("hot-plugin %s within 30 s", version == null ? "gone" : version).isNull();
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
}
