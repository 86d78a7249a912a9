package io.pluginhost.it;

import io.pluginhost.it.support.AdminClient;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an operator changed over REST survives a restart of the host: overrides, settings, and which
 * plugins were unloaded. The host is restarted by undeploying and deploying it again (the engine, the
 * plugins and all their state live in the deployment; only the state file in the plugin directory
 * remains), which runs the same start-up as a server restart.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class RestartIT {

    private static final String HOST = "restartable-host";

    @ArquillianResource
    Deployer deployer;

    @Deployment(name = HOST, managed = false, testable = false)
    static EnterpriseArchive ear() {
        return AdminClient.hostEar();
    }

    private final AdminClient admin = AdminClient.ofUndeployedHost(java.net.http.HttpClient.Version.HTTP_2);

    private HttpResponse<String> json(String method, String path, String body) throws Exception {
        return admin.json(method, path, body);
    }

    /**
     * An undeploy (a redeploy, the server stopping) with consoles open: the host ends each event stream,
     * and the container then told a listener that went through the stream's CDI bean, gone by then, so
     * every redeploy logged "UT015021: Failure dispatching async event ... WELD-000229" as an ERROR.
     */
    @Test
    void anUndeployEndsTheOpenEventStreamsAndLogsNoError() throws Exception {
        Path log = Path.of(System.getProperty("jboss.home"), "standalone", "log", "server.log");
        deployer.deploy(HOST);
        long mark = Files.size(log);
        List<HttpResponse<InputStream>> streams = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                HttpResponse<InputStream> stream = admin.stream("api/events");
                streams.add(stream);
                assertThat(stream.statusCode()).isEqualTo(200);
            }
        } finally {
            deployer.undeploy(HOST);
        }

        for (HttpResponse<InputStream> stream : streams) {
            CompletableFuture<byte[]> rest = CompletableFuture.supplyAsync(() -> {
                try (InputStream body = stream.body()) {
                    return body.readAllBytes();
                } catch (java.io.IOException ended) {
                    return new byte[0]; // the connection closed rather than ended: ended too
                }
            });
            assertThat(rest.get(30, TimeUnit.SECONDS)).as("the stream ended").isNotNull();
        }
        String written;
        try (var in = Files.newInputStream(log)) {
            in.skipNBytes(Math.min(mark, Files.size(log))); // a log rotated at midnight starts again
            written = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(written).as("the server log during the undeploy").doesNotContain("UT015021", "WELD-000229");
    }

    @Test
    void overridesSettingsAndUnloadedPluginsAreTheSameAfterARestart() throws Exception {
        deployer.deploy(HOST);
        try {
            assertThat(json("PUT", "api/plugins/example-plugin-repository/overrides",
                    "{\"tableNameMap\": {\"note_tags\": \"tags_kept\"}}").statusCode()).isEqualTo(200);
            assertThat(json("PUT", "api/plugins/example-plugin-1/config", "{\"greeting\": \"Servus\"}").statusCode())
                    .isEqualTo(200);
            assertThat(json("DELETE", "api/plugins/example-plugin-2", null).statusCode()).isEqualTo(200);

            deployer.undeploy(HOST);
            deployer.deploy(HOST);

            assertThat(json("GET", "api/plugins/example-plugin-repository", null).body())
                    .contains("\"note_tags\":\"example-plugin-repository_tags_kept\"");
            assertThat(json("POST", "api/plugins/example-plugin-1/execute", "\"Wien\"").body()).contains("Servus, Wien!");
            assertThat(json("GET", "api/plugins/example-plugin-2", null).statusCode()).as("stays unloaded").isEqualTo(404);
            assertThat(json("GET", "api/jars", null).body()).contains("\"file\":\"example-plugin-2.jar\"",
                    "\"state\":\"UNLOADED\"");
        } finally {
            // Leave the state as the other tests expect it: everything loaded, nothing overridden.
            json("POST", "api/plugins", "{\"jar\": \"example-plugin-2.jar\"}");
            json("DELETE", "api/plugins/example-plugin-repository/overrides", null);
            json("PUT", "api/plugins/example-plugin-1/config", "{\"greeting\": \"Hello\"}");
            deployer.undeploy(HOST);
        }
    }
}
