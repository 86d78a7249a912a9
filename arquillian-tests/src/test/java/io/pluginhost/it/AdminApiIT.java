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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Uploads, overrides and the leak diagnostic over the admin API, on a real WildFly. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class AdminApiIT {

    @ArquillianResource
    URL base;

    @TempDir
    Path dir;

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return AdminClient.hostEar();
    }

    private HttpResponse<String> upload(String file, byte[] jar) throws Exception {
        return new AdminClient(base).upload(file, jar);
    }

    private HttpResponse<String> json(String method, String path, String json) throws Exception {
        return new AdminClient(base).json(method, path, json);
    }

    @Test
    void anUploadedPluginLoadsRunsAndAfterUnloadItsLoaderIsCollected() throws Exception {
        byte[] jar = Files.readAllBytes(PluginJarBuilder.plugin("uploaded")
                .body("public Object execute(Object in) { return \"uploaded says \" + in; }").build(dir));

        HttpResponse<String> loaded = upload("uploaded.jar", jar);
        assertThat(loaded.statusCode()).as(loaded.body()).isEqualTo(201);
        assertThat(json("POST", "api/plugins/uploaded/execute", "\"hi\"").body()).contains("uploaded says hi");

        assertThat(json("DELETE", "api/plugins/uploaded", null).statusCode()).isEqualTo(200);
        HttpResponse<String> leaks = json("POST", "api/plugins/diagnostics/unloaded-not-collected", null);
        assertThat(leaks.body()).contains("\"count\":0");
    }

    @Test
    void badUploadsAreRefusedWithProblemDetailsAndLeaveNothingBehind() throws Exception {
        HttpResponse<String> notAJar = upload("garbage.jar", "this is not a zip".getBytes(StandardCharsets.UTF_8));
        assertThat(notAJar.statusCode()).isEqualTo(422);
        assertThat(notAJar.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));

        byte[] noDescriptor = Files.readAllBytes(PluginJarBuilder.jarWithoutModuleInfo(dir, "plain.jar"));
        assertThat(upload("plain.jar", noDescriptor).body()).contains("no module-info.class");

        byte[] selfCycle = Files.readAllBytes(PluginJarBuilder.plugin("ouroboros").dependsOn("ouroboros").build(dir));
        HttpResponse<String> cycle = upload("ouroboros.jar", selfCycle);
        assertThat(cycle.statusCode()).isEqualTo(422);
        assertThat(cycle.body()).contains("declares a dependency on itself");

        byte[] orphan = Files.readAllBytes(PluginJarBuilder.plugin("ping").dependsOn("pong").build(dir));
        assertThat(upload("ping.jar", orphan).body()).contains("depends on 'pong', which is not loaded");

        // Nothing was kept: the same names can be uploaded again, and the server still serves.
        assertThat(upload("garbage.jar", "still not a zip".getBytes(StandardCharsets.UTF_8)).statusCode())
                .isEqualTo(422);
        assertThat(json("GET", "api/plugins", null).body()).doesNotContain("ouroboros", "\"ping\"");
        assertThat(upload("../escape.jar", new byte[10]).statusCode()).isEqualTo(400);
    }

    @Test
    void anUploadLargerThanTheLimitIs413() throws Exception {
        assertThat(upload("huge.jar", new byte[9 * 1024 * 1024]).statusCode()).isEqualTo(413);
    }

    @Test
    void overridesCanBeSetReadAndClearedAndReloadThePlugin() throws Exception {
        HttpResponse<String> set = json("PUT", "api/plugins/example-plugin-repository/overrides",
                "{\"tableNameMap\": {\"note_tags\": \"tags_v2\"}}");
        assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
        assertThat(set.body()).contains("\"note_tags\":\"example-plugin-repository_tags_v2\"");
        assertThat(json("GET", "api/plugins/example-plugin-repository/overrides", null).body())
                .contains("\"tags_v2\"");

        HttpResponse<String> cleared = json("DELETE", "api/plugins/example-plugin-repository/overrides", null);
        assertThat(cleared.body()).contains("\"note_tags\":\"example-plugin-repository_note_tags\"");
        assertThat(json("GET", "api/plugins/example-plugin-repository/overrides", null).statusCode()).isEqualTo(404);
    }

    @Test
    void settingsComeFromMicroProfileConfigAndAPutReloadsThePluginWithNewOnes() throws Exception {
        // arquillian.xml sets pluginhost.plugin.example-plugin-1.config.greeting=Hello
        assertThat(json("GET", "api/plugins/example-plugin-1/config", null).body()).isEqualTo("{\"greeting\":\"Hello\"}");

        HttpResponse<String> set = json("PUT", "api/plugins/example-plugin-1/config", "{\"greeting\": \"Bonjour\"}");
        assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
        assertThat(set.body()).contains("\"name\":\"example-plugin-1\"", "\"name\":\"example-plugin-2\"");
        assertThat(json("POST", "api/plugins/example-plugin-1/execute", "\"WildFly\"").body()).contains("Bonjour, WildFly!");

        assertThat(json("PUT", "api/plugins/example-plugin-1/config", "{\"greeting\": {\"nested\": 1}}").statusCode())
                .isEqualTo(400);
        assertThat(json("PUT", "api/plugins/example-plugin-1/config", "{\"two words\": \"x\"}").statusCode())
                .isEqualTo(422);

        json("PUT", "api/plugins/example-plugin-1/config", "{\"greeting\": \"Hello\"}");
        assertThat(json("POST", "api/plugins/example-plugin-1/execute", "\"WildFly\"").body()).contains("Hello, WildFly!");
    }
}
