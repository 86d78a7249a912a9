package io.pluginhost.it;

import io.pluginhost.it.support.AdminClient;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URL;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The EAR on a real WildFly 39 (managed by Arquillian, unpacked from Maven Central by the ear
 * module), with the example plugins in the plugin directory: loaded at start-up, executed, unloaded
 * and loaded again over the admin REST API.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class PluginHostIT {

    @ArquillianResource
    URL base;

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return AdminClient.hostEar();
    }

    private static final String VIEWER = AdminClient.VIEWER;

    private HttpResponse<String> send(String method, String path, String json) throws Exception {
        return new AdminClient(base).json(method, path, json);
    }

    private HttpResponse<String> send(String credentials, String method, String path, String json) throws Exception {
        return new AdminClient(base).send(credentials, method, path, json == null ? null : "application/json",
                json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
    }

    @Test
    void theExamplesAreLoadedAtStartUpBesideABrokenJarAndADependentCallsItsDependency() throws Exception {
        // The plugin directory also holds broken.jar (see DevServicesAroundTheSuite): skipped, the rest loaded.
        HttpResponse<String> list = send("GET", "api/plugins", null);
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.body()).contains("\"name\":\"example-plugin-1\"", "\"name\":\"example-plugin-2\"",
                "\"name\":\"example-plugin-repository\"");

        HttpResponse<String> executed = send("POST", "api/plugins/example-plugin-2/execute",
                "{\"numbers\": [1, 2, 3.5], \"name\": \"WildFly\"}");
        assertThat(executed.statusCode()).isEqualTo(200);
        assertThat(executed.body()).contains("\"greeting\":\"Hello, WildFly!\"", "\"sum\":6.5");
        // Its private library (commons-math3, which the sum used) is unpacked under WildFly's temporary
        // directory, not /tmp, which systemd-tmpfiles empties of what was not touched for ten days.
        try (var files = Files.walk(Path.of(System.getProperty("jboss.home"), "standalone", "tmp"), 3)) {
            assertThat(files.map(Path::toString)).as("library copies in the server's temporary directory")
                    .anyMatch(p -> p.contains("pluginhost-libs-") && p.endsWith("/commons-math3-3.6.1.jar"));
        }
    }

    @Test
    void theRepositoryExampleUsesTheContainerDataSource() throws Exception {
        HttpResponse<String> executed = send("POST", "api/plugins/example-plugin-repository/execute",
                "{\"id\": 7, \"body\": \"from WildFly\", \"tags\": [\"ee\", \"h2\"]}");

        assertThat(executed.statusCode()).isEqualTo(200);
        // Lower-case labels on the dev database too (ExampleDS with DATABASE_TO_LOWER), as on PostgreSQL.
        assertThat(executed.body()).contains("\"body\":\"from WildFly\"", "\"tag\":\"ee\"", "\"tag\":\"h2\"");

        HttpResponse<String> again = send("POST", "api/plugins/example-plugin-repository/execute",
                "{\"id\": 7, \"body\": \"sent twice\", \"tags\": [\"ee\"]}");
        assertThat(again.statusCode()).as("the README's example, run twice: %s", again.body()).isEqualTo(200);
        assertThat(again.body()).contains("sent twice").doesNotContain("from WildFly");
    }

    @Test
    void aDependentTeachesTheGreeterALanguageThroughItsExtensionPointWhileItIsLoaded() throws Exception {
        String latin = "{\"name\": \"WildFly\", \"language\": \"la\"}";
        assertThat(send("GET", "api/plugins/example-plugin-2", null).body())
                .contains("\"extensions\":[\"io.pluginhost.example.one.api.Language\"]");
        assertThat(send("POST", "api/plugins/example-plugin-1/execute", latin).body()).contains("Salve, WildFly!");

        assertThat(send("DELETE", "api/plugins/example-plugin-2", null).statusCode()).isEqualTo(200);
        assertThat(send("POST", "api/plugins/example-plugin-1/execute", latin).body())
                .contains("No plugin loaded now speaks 'la'.");
        assertThat(send("POST", "api/diagnostics/unloaded-not-collected", null).body()).as("after a GC")
                .contains("\"count\":").doesNotContain("example-plugin-2@");

        assertThat(send("POST", "api/plugins", "{\"jar\": \"example-plugin-2.jar\"}").statusCode()).isEqualTo(201);
        assertThat(send("POST", "api/plugins/example-plugin-1/execute", latin).body()).contains("Salve, WildFly!");
    }

    @Test
    void unloadingADependencyIsRefusedWith409UntilCascadeAndThenBothLoadAgain() throws Exception {
        HttpResponse<String> refused = send("DELETE", "api/plugins/example-plugin-1", null);
        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(refused.body()).contains("example-plugin-2");
        for (String unclear : List.of("1", "yes", "maybe")) {
            HttpResponse<String> malformed = send("DELETE", "api/plugins/example-plugin-1?cascade=" + unclear, null);
            assertThat(malformed.statusCode()).as("cascade=" + unclear + " is no answer: " + malformed.body())
                    .isEqualTo(400);
            assertThat(malformed.body()).contains("cascade");
        }
        assertThat(send("GET", "api/plugins/example-plugin-2", null).statusCode()).isEqualTo(200);

        HttpResponse<String> cascade = send("DELETE", "api/plugins/example-plugin-1?cascade=true", null);
        assertThat(cascade.statusCode()).isEqualTo(200);
        assertThat(cascade.body()).contains("[\"example-plugin-2\",\"example-plugin-1\"]");
        HttpResponse<String> gone = send("GET", "api/plugins/example-plugin-2", null);
        assertThat(gone.statusCode()).isEqualTo(404);
        assertThat(gone.body()).as("a 404 that says why").contains("is not loaded: an operator unloaded it");

        assertThat(send("POST", "api/plugins", "{\"jar\": \"example-plugin-1.jar\"}").statusCode()).isEqualTo(201);
        assertThat(send("POST", "api/plugins", "{\"jar\": \"example-plugin-2.jar\"}").statusCode()).isEqualTo(201);
        assertThat(send("POST", "api/plugins/example-plugin-2/execute", "{\"name\": \"again\"}").body())
                .contains("Hello, again!");
        assertThat(send("GET", "api/diagnostics/unloaded-not-collected", null).body()).contains("\"count\":");
    }

    @Test
    void everyEndpointNeedsAUserAndEveryChangeNeedsAnAdmin() throws Exception {
        String[][] changes = {
            {"POST", "api/plugins", "{\"jar\": \"example-plugin-1.jar\"}"},
            {"DELETE", "api/plugins/example-plugin-2", null},
            {"POST", "api/plugins/example-plugin-1/reload", null},
            {"POST", "api/plugins/example-plugin-1/execute", "\"x\""},
            {"PUT", "api/jars/x.jar", "{}"},
            {"DELETE", "api/jars/example-plugin-1.jar", null},
            {"PUT", "api/plugins/example-plugin-1/overrides", "{\"tableNameMap\": {}}"},
            {"DELETE", "api/plugins/example-plugin-1/overrides", null},
            {"POST", "api/diagnostics/unloaded-not-collected", null},
        };
        for (String[] change : changes) {
            assertThat(send(null, change[0], change[1], change[2]).statusCode()).as("anonymous %s %s", change[0],
                    change[1]).isEqualTo(401);
            assertThat(send(VIEWER, change[0], change[1], change[2]).statusCode()).as("viewer %s %s", change[0],
                    change[1]).isEqualTo(403);
            assertThat(send("plugin-admin:wrong-password", change[0], change[1], change[2]).statusCode())
                    .isEqualTo(401);
        }
        for (String read : new String[] {"api/plugins", "api/plugins/example-plugin-1",
                "api/plugins/example-plugin-1/overrides", "api/diagnostics/unloaded-not-collected", "api/jars"}) {
            assertThat(send(null, "GET", read, null).statusCode()).as("anonymous GET %s", read).isEqualTo(401);
            assertThat(send(VIEWER, "GET", read, null).statusCode()).as("viewer GET %s", read).isNotIn(401, 403);
        }
        assertThat(send("GET", "api/plugins/example-plugin-2", null).statusCode()).isEqualTo(200);
    }

    @Test
    void badRequestsGetProblemDetailsAndTheServerKeepsServing() throws Exception {
        assertThat(send("GET", "api/plugins/no-such-plugin", null).statusCode()).isEqualTo(404);
        assertThat(send("POST", "api/plugins", "{\"jar\": \"../../../../etc/passwd\"}").statusCode()).isEqualTo(400);
        assertThat(send("POST", "api/plugins", "{}").statusCode()).isEqualTo(400);
        assertThat(send("POST", "api/plugins", "{\"jar\": \"example-plugin-1.jar\"}").statusCode()).isEqualTo(409);
        assertThat(send("GET", "api/plugins", null).statusCode()).isEqualTo(200);
    }
}
