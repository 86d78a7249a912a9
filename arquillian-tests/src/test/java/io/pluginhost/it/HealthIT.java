package io.pluginhost.it;

import io.pluginhost.it.support.AdminClient;
import io.pluginhost.it.support.RatesHealthPlugin;
import io.pluginhost.it.support.ServerPorts;
import io.pluginhost.runtime.testing.PluginJarBuilder;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * MicroProfile Health on the management interface, without credentials: the host's readiness checks
 * report the engine, each plugin (a failed one, or one whose own check says it is down, takes the node
 * down, with its reason) and whether the database, Kafka and S3 it uses answer.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class HealthIT {

    private static final String READY = ServerPorts.management() + "/health/ready";

    private final HttpClient http = HttpClient.newHttpClient();

    @ArquillianResource
    URL base;

    @TempDir
    Path dir;

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return AdminClient.hostEar();
    }

    private HttpResponse<String> ready() throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(READY)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void readinessReportsTheEngineEachPluginAndTheServicesItUses() throws Exception {
        HttpResponse<String> ready = ready();

        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
        assertThat(ready.body()).contains("\"name\":\"pluginhost\"", "\"name\":\"pluginhost-plugins\"",
                "\"example-plugin-1\":\"LOADED 1.0.0\"", "\"name\":\"pluginhost-services\"",
                "\"database: java:jboss/datasources/ExampleDS\":\"reachable\"", "\"kafka\":\"reachable\"",
                "\"s3\":\"reachable\"");
    }

    /**
     * A jar whose plugin fails its first load (at start, or copied in) was not reported at all: the
     * engine does not list a plugin that never loaded, and the node stayed ready without it.
     */
    @Test
    void aPluginWhoseJarFailsItsFirstLoadTakesReadinessDownUntilAnOperatorHoldsItUnloaded() throws Exception {
        AdminClient admin = new AdminClient(base);
        Path target = Path.of(System.getProperty("pluginhost.plugin-dir")).resolve("health-first.jar");
        BlockingQueue<String> failed = new LinkedBlockingQueue<>();
        HttpResponse<InputStream> stream = admin.events(line -> {
            if (line.contains("\"kind\":\"FAILED\"") && line.contains("\"plugin\":\"health-first\"")) {
                failed.add(line);
            }
        });
        try {
            Files.copy(PluginJarBuilder.plugin("health-first").body("public void initialize(io.pluginhost.api"
                    + ".PluginContext context) { throw new IllegalStateException(\"cannot start: no licence\"); }")
                    .build(dir), target); // hot deploy loads it
            assertThat(failed.poll(30, TimeUnit.SECONDS)).as("its load failed").isNotNull();

            HttpResponse<String> down = ready();
            assertThat(down.statusCode()).as(down.body()).isEqualTo(503);
            assertThat(down.body()).contains("\"health-first\":\"FAILED: ", "no licence")
                    .as("the engine check counts it among the failed too").contains("\"failed\":1");

            assertThat(admin.json("DELETE", "api/plugins/health-first", null).statusCode()).isEqualTo(200);
            assertThat(ready().statusCode()).as("held unloaded by an operator").isEqualTo(200);
        } finally {
            stream.body().close();
            admin.json("DELETE", "api/jars/health-first.jar", null);
            Files.deleteIfExists(target);
        }
    }

    @Test
    void aFailedPluginTakesReadinessDownWithItsReason() throws Exception {
        AdminClient admin = new AdminClient(base);
        // The server runs on this machine: the plugin looks for its licence in a file the test removes.
        Path licence = Files.writeString(dir.resolve("licence"), "yes");
        Path jar = PluginJarBuilder.plugin("health-faulty")
                .body("public void initialize(io.pluginhost.api.PluginContext context) {"
                        + " if (!java.nio.file.Files.exists(java.nio.file.Path.of(\"" + licence + "\"))) {"
                        + " throw new IllegalStateException(\"cannot start: no licence\"); } }")
                .build(dir);
        try {
            assertThat(admin.upload("health-faulty.jar", Files.readAllBytes(jar)).statusCode()).isEqualTo(201);
            assertThat(ready().statusCode()).isEqualTo(200);

            // Reloaded without its licence, the plugin fails: it stays listed as FAILED.
            Files.delete(licence);
            assertThat(admin.json("POST", "api/plugins/health-faulty/reload", null).statusCode()).isEqualTo(422);
            assertThat(admin.json("GET", "api/plugins/health-faulty", null).body()).contains("\"state\":\"FAILED\"");

            HttpResponse<String> ready = ready();
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).contains("\"status\":\"DOWN\"", "\"health-faulty\":\"FAILED: ", "no licence");
        } finally {
            admin.json("DELETE", "api/plugins/health-faulty", null);
            admin.json("DELETE", "api/jars/health-faulty.jar", null);
        }
        assertThat(ready().statusCode()).as("back up once the failed plugin is gone").isEqualTo(200);
    }

    @Test
    void aPluginThatSaysItCannotDoItsWorkTakesReadinessDownWithItsReason() throws Exception {
        AdminClient admin = new AdminClient(base);
        // The server runs on this machine: the plugin is up while a file the test removes is there. The test
        // server waits 10 s for the checks (arquillian.xml), so a loaded machine does not make a slow one down.
        Path rates = Files.writeString(dir.resolve("rates-answer"), "yes");
        Path jar = RatesHealthPlugin.jar("health-moody", rates, dir);
        try {
            assertThat(admin.upload("health-moody.jar", Files.readAllBytes(jar)).statusCode()).isEqualTo(201);
            HttpResponse<String> up = ready();
            assertThat(up.statusCode()).as(up.body()).isEqualTo(200);
            assertThat(up.body()).contains("\"health-moody\":\"LOADED 1.0.0\"");

            Files.delete(rates);
            HttpResponse<String> down = ready();
            assertThat(down.statusCode()).as(down.body()).isEqualTo(503);
            assertThat(down.body()).contains(
                    "\"health-moody\":\"LOADED 1.0.0, DOWN: the rates service does not answer\"");
            assertThat(admin.json("GET", "api/plugins/health-moody", null).body())
                    .as("still loaded and serving").contains("\"state\":\"LOADED\"");

            Files.writeString(rates, "yes");
            assertThat(ready().statusCode()).as("up again once it says so").isEqualTo(200);
        } finally {
            admin.json("DELETE", "api/plugins/health-moody", null);
            admin.json("DELETE", "api/jars/health-moody.jar", null);
        }
    }

    /**
     * Readiness asked the plugins and forgot their answers: an operator could not ask one plugin, nor see when it
     * went down. Its last answer is now in its view with since when, each turn reaches the event stream, and
     * {@code GET /plugins/{name}/health} asks it now.
     */
    @Test
    void anOperatorAsksAPluginForItsHealthAndSeesWhatItLastSaidAndWhenItTurned() throws Exception {
        AdminClient admin = new AdminClient(base);
        Path rates = Files.writeString(dir.resolve("rates-answer"), "yes");
        Path jar = RatesHealthPlugin.jar("health-watched", rates, dir);
        BlockingQueue<String> turns = new LinkedBlockingQueue<>();
        HttpResponse<InputStream> stream = admin.events(line -> {
            if (line.contains("\"kind\":\"HEALTH\"") && line.contains("\"plugin\":\"health-watched\"")) {
                turns.add(line);
            }
        });
        try {
            assertThat(admin.upload("health-watched.jar", Files.readAllBytes(jar)).statusCode()).isEqualTo(201);
            assertThat(admin.json("GET", "api/plugins/health-watched", null).body()).as("not asked yet")
                    .doesNotContain("\"health\":");
            HttpResponse<String> up = admin.json("GET", "api/plugins/health-watched/health", null);
            assertThat(up.statusCode()).as(up.body()).isEqualTo(200);
            assertThat(up.body()).contains("\"status\":\"UP\"", "\"since\":\"").doesNotContain("reason");

            Files.delete(rates);
            assertThat(ready().statusCode()).as("the probe asks it").isEqualTo(503);
            assertThat(turns.poll(30, TimeUnit.SECONDS)).as("the turn reaches the event stream")
                    .contains("\"version\":\"1.0.0\"", "\"message\":\"DOWN: the rates service does not answer\"");
            assertThat(admin.json("GET", "api/plugins/health-watched", null).body()).as("what it said, kept")
                    .contains("\"state\":\"LOADED\"", "\"reason\":\"the rates service does not answer\"",
                            "\"status\":\"DOWN\"");
            HttpResponse<String> down = admin.json("GET", "api/plugins/health-watched/health", null);
            assertThat(down.statusCode()).as("an answer, whatever it says").isEqualTo(200);
            assertThat(down.body()).contains("\"status\":\"DOWN\"", "the rates service does not answer");

            Files.writeString(rates, "yes");
            assertThat(admin.json("GET", "api/plugins/health-watched/health", null).body())
                    .contains("\"status\":\"UP\"");
            assertThat(turns.poll(30, TimeUnit.SECONDS)).contains("\"message\":\"UP\"");
            assertThat(ready().statusCode()).isEqualTo(200);
            assertThat(turns).as("each turn told once, whoever asked").isEmpty();
            assertThat(admin.json("GET", "api/plugins/example-plugin-1/health", null).body())
                    .as("no check of its own: up since it loaded").contains("\"status\":\"UP\"");
            assertThat(admin.json("GET", "api/plugins/nobody/health", null).statusCode()).isEqualTo(404);
        } finally {
            stream.body().close();
            admin.json("DELETE", "api/plugins/health-watched", null);
            admin.json("DELETE", "api/jars/health-watched.jar", null);
        }
    }
}
