package io.pluginhost.it;

import io.pluginhost.it.support.AdminClient;
import io.pluginhost.it.support.RatesHealthPlugin;
import io.pluginhost.it.support.ServerPorts;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * WildFly's own observability endpoints, added by the build's offline CLI step: OpenAPI, and the
 * plugins' meters in Micrometer's Prometheus registry on the management interface (no credentials).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ObservabilityIT {

    private final HttpClient http = HttpClient.newHttpClient();

    @ArquillianResource
    URL base;

    @TempDir
    Path dir;

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return AdminClient.hostEar();
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theAdminApiIsDescribedByAnOpenApiDocument() throws Exception {
        HttpResponse<String> document = get(ServerPorts.http() + "/openapi");

        assertThat(document.statusCode()).isEqualTo(200);
        assertThat(document.body()).contains("/plugins/{name}", "/jars/{file}");
        // The event stream is a servlet, described by admin-web's META-INF/openapi.yaml, no scan.
        assertThat(document.body()).contains("/pluginhost/api/events:", "text/event-stream");
    }

    @Test
    void eachPluginsWorkIsScrapedByPrometheusFromTheManagementInterface() throws Exception {
        AdminClient admin = new AdminClient(base);
        assertThat(admin.json("POST", "api/plugins/example-plugin-1/execute", "\"Prometheus\"").statusCode()).isEqualTo(200);
        // A note without an id: the plugin throws.
        assertThat(admin.json("POST", "api/plugins/example-plugin-repository/execute", "{\"body\": \"no id\"}")
                .statusCode()).isNotEqualTo(200);

        // The host's own counters, which the console shows, saw the same calls.
        assertThat(admin.json("GET", "api/metrics", null).body()).contains(
                "\"example-plugin-repository\":{\"executions\":1,\"executionErrors\":1,");

        HttpResponse<String> scrape = get(ServerPorts.management() + "/prometheus");

        assertThat(scrape.statusCode()).isEqualTo(200);
        assertThat(lines(scrape.body(), "pluginhost")).as(scrape.body()).isNotEmpty();
        assertThat(lines(scrape.body(), "pluginhost_plugin_executions_seconds_count", "plugin=\"example-plugin-1\"",
                "outcome=\"success\"")).isNotEmpty();
        assertThat(lines(scrape.body(), "pluginhost_plugin_executions_seconds_count",
                "plugin=\"example-plugin-repository\"", "outcome=\"error\"")).isNotEmpty();
        assertThat(lines(scrape.body(), "pluginhost_plugin_execution_latency_total", "plugin=\"example-plugin-1\"",
                "le=\"+Inf\"")).singleElement().asString().doesNotEndWith(" 0.0");
        assertThat(lines(scrape.body(), "pluginhost_plugin_load_seconds_count", "plugin=\"example-plugin-2\"")).isNotEmpty();
        assertThat(lines(scrape.body(), "pluginhost_plugin_events_total", "direction=\"emitted\"")).isNotEmpty();
        assertThat(lines(scrape.body(), "pluginhost_plugin_repository_calls_total", "kind=\"database\"",
                "plugin=\"example-plugin-repository\"")).isNotEmpty();
        assertThat(lines(scrape.body(), "pluginhost_loaders_not_collected")).isNotEmpty();
    }

    /** A plugin's last word on its health is a gauge an alert can watch; the scrape itself runs no plugin code. */
    @Test
    void whatAPluginLastSaidOfItsHealthIsScrapedAndGoneAtItsUnload() throws Exception {
        AdminClient admin = new AdminClient(base);
        Path rates = Files.writeString(dir.resolve("rates-answer"), "yes");
        byte[] jar = Files.readAllBytes(RatesHealthPlugin.jar("observed-moody", rates, dir));
        String[] health = {"pluginhost_plugin_health", "plugin=\"observed-moody\""};
        assertThat(admin.upload("observed-moody.jar", jar).statusCode()).isEqualTo(201);
        try {
            assertThat(admin.json("GET", "api/plugins/observed-moody/health", null).body()).contains("UP");
            assertThat(lines(get(ServerPorts.management() + "/prometheus").body(), health)).singleElement()
                    .asString().endsWith(" 1.0");

            Files.delete(rates);
            assertThat(admin.json("GET", "api/plugins/observed-moody/health", null).body()).contains("DOWN");
            assertThat(lines(get(ServerPorts.management() + "/prometheus").body(), health)).singleElement()
                    .asString().endsWith(" 0.0");
        } finally {
            admin.json("DELETE", "api/plugins/observed-moody", null);
            admin.json("DELETE", "api/jars/observed-moody.jar", null);
        }
        assertThat(lines(get(ServerPorts.management() + "/prometheus").body(), health)).as("unloaded").isEmpty();
    }

    /** The sample lines (not comments) of the scrape that contain every fragment. */
    private static java.util.List<String> lines(String scrape, String... fragments) {
        return scrape.lines().filter(line -> !line.startsWith("#"))
                .filter(line -> java.util.Arrays.stream(fragments).allMatch(line::contains)).toList();
    }
}
