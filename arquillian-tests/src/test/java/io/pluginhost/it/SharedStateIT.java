package io.pluginhost.it;

import io.pluginhost.devservices.PostgresDevServer;
import io.pluginhost.it.support.AdminClient;
import io.pluginhost.it.support.ConsoleBrowser;
import io.pluginhost.it.support.PostgresDataSourceWar;
import io.pluginhost.it.support.ServerPorts;
import io.pluginhost.resource.database.HostDocuments;
import io.pluginhost.runtime.testing.PluginJarBuilder;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The host in the server shares its operator state with other nodes through PostgreSQL
 * ({@code pluginhost.shared-state.datasource}): the test plays another node, writing the shared document as a
 * node does, and the server's engine follows; a change made over REST on the server is kept there for the
 * others.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class SharedStateIT {

    private static final String HOST = "host-sharing-its-state";
    private static final String DATA_SOURCE = "java:global/jdbc/PluginsPGShared";

    @ArquillianResource
    Deployer deployer;

    @TempDir
    Path dir;

    /**
     * The data source the nodes share, deployed before the host, which does not start without it; its
     * connections join the caller's JTA transaction, as a subsystem data source's do by default.
     */
    @Deployment(name = "shared-postgres", order = 1, testable = false)
    static WebArchive sharedDataSource() throws Exception {
        return PostgresDataSourceWar.of("plugins-postgres-shared.war", DATA_SOURCE, true);
    }

    /** The host, sharing its state; its own state file is one no other test writes, so nothing is shared yet. */
    @Deployment(name = HOST, managed = false, testable = false)
    static EnterpriseArchive ear() {
        return AdminClient.hostEar().addAsLibrary(ShrinkWrap.create(JavaArchive.class, "shared-state-config.jar")
                .addAsManifestResource(new StringAsset("pluginhost.shared-state.datasource=" + DATA_SOURCE + "\n"
                        + "pluginhost.shared-state.poll=PT0.2S\n"
                        + "pluginhost.state-file=" + System.getProperty("pluginhost.plugin-dir")
                        + "/.shared-state-it.json\n"), "microprofile-config.properties"));
    }

    private final AdminClient admin = AdminClient.ofUndeployedHost(java.net.http.HttpClient.Version.HTTP_2);
    /** The other node: the same table, written as a node writes it. */
    private final HostDocuments otherNode = new HostDocuments(PostgresDevServer::dataSource, Duration.ofSeconds(10));

    @Test
    void theServerFollowsWhatAnotherNodeChangedAndKeepsItsOwnChangesForTheOthers() throws Exception {
        forgetSharedState(); // from an earlier run against the same database
        deployer.deploy(HOST);
        BlockingQueue<String> lifecycle = new LinkedBlockingQueue<>();
        HttpResponse<InputStream> stream = lifecycleEvents(lifecycle);
        try {
            assertThat(status("example-plugin-2")).isEqualTo(200);
            HttpResponse<String> ready = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    ServerPorts.management() + "/health/ready")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(ready.body()).as("a service the node needs")
                    .contains("\"shared state: " + DATA_SOURCE + "\":\"reachable\"");
            assertThat(otherNode.write("operator-state", 0, """
                    {"unloaded": ["example-plugin-2"], "overrides": {},
                     "config": {"example-plugin-1": {"greeting": "Grüezi"}}}""")).isEqualTo(1);

            awaitUntil(lifecycle, "example-plugin-2 unloaded and example-plugin-1 greeting in Swiss German",
                    () -> status("example-plugin-2") == 404 && execute("example-plugin-1", "Bern")
                            .contains("Grüezi, Bern!"));

            assertThat(admin.json("PUT", "api/plugins/example-plugin-1/config", "{\"greeting\": \"Moin\"}")
                    .statusCode()).isEqualTo(200);
            HostDocuments.Stored kept = otherNode.read("operator-state").orElseThrow();
            assertThat(kept.version()).isEqualTo(2);
            assertThat(kept.text()).contains("\"greeting\":\"Moin\"", "\"unloaded\":[\"example-plugin-2\"]");

            assertThat(otherNode.write("operator-state", 2, """
                    {"unloaded": [], "overrides": {}, "config": {"example-plugin-1": {"greeting": "Moin"}}}"""))
                    .isEqualTo(3);
            awaitUntil(lifecycle, "example-plugin-2 loaded again", () -> status("example-plugin-2") == 200);
            assertThat(execute("example-plugin-1", "Kiel")).contains("Moin, Kiel!");

            // The cluster as the nodes report it: the server, the other node, and one that stopped reporting.
            otherNode.put("node:other-node", "{\"node\": \"other-node\", \"stateVersion\": 3, \"plugins\": [],"
                    + " \"reportedAt\": \"" + Instant.now() + "\"}");
            otherNode.put("node:gone-node", "{\"node\": \"gone-node\", \"stateVersion\": 1, \"plugins\": [],"
                    + " \"reportedAt\": \"2026-01-01T00:00:00Z\"}");
            awaitUntil(lifecycle, "the server's report of state 3", () -> cluster().matches(
                    "(?s).*\"stateVersion\":3,\"plugins\":\\[[^\\]]*\"name\":\"example-plugin-2\".*"));
            String cluster = cluster();
            assertThat(cluster).startsWith("{\"node\":").contains("\"shared\":true,\"stateVersion\":3");
            assertThat(cluster).containsPattern("\"node\":\"other-node\"[^}]*\"silent\":false")
                    .containsPattern("\"node\":\"gone-node\"[^}]*\"silent\":true");

            // As the console shows them.
            WebDriver browser = ConsoleBrowser.open(admin.base(), AdminClient.VIEWER, dir);
            try {
                assertThat(ConsoleBrowser.text(browser, By.id("cluster-note"))).contains("its version now: 3");
                assertThat(ConsoleBrowser.text(browser, By.cssSelector("#cluster tr[data-node='other-node']")))
                        .contains("other-node 3 ").doesNotContain("behind", "silent");
                assertThat(ConsoleBrowser.text(browser, By.cssSelector("#cluster tr[data-node='gone-node']")))
                        .contains("1 (behind)", "2026-01-01T00:00:00Z (silent)");
                List<String> nodes = ConsoleBrowser.read(browser, page -> page.findElements(
                        By.cssSelector("#cluster tr[data-node]")).stream().map(WebElement::getText).toList());
                assertThat(nodes).hasSize(3).anySatisfy(node -> assertThat(node)
                        .contains("(this node)", "example-plugin-2@1.0.0 LOADED"));
            } finally {
                ConsoleBrowser.close(browser, "sharedStateIT");
            }
        } finally {
            stream.body().close();
            // What the test set lives only in the shared state: the other tests' hosts, which do not share
            // theirs, start from the plugin directory as before.
            deployer.undeploy(HOST);
            forgetSharedState();
        }
    }

    /**
     * A jar uploaded on another node reaches the server through the shared state: it writes the jar into its
     * plugin directory and loads it; a jar uploaded over REST on the server is kept there for the others, and
     * its delete over REST takes it out of the shared state with its bytes.
     */
    @Test
    void aJarUploadedOnAnotherNodeRunsHereAndOneUploadedHereIsKeptForTheOthers() throws Exception {
        forgetSharedState();
        byte[] jar = Files.readAllBytes(PluginJarBuilder.plugin("shared-upload").version("1.0.0")
                .body("public Object execute(Object in) { return \"uploaded elsewhere\"; }").build(dir));
        String sha256 = sha256(jar);
        deployer.deploy(HOST);
        BlockingQueue<String> lifecycle = new LinkedBlockingQueue<>();
        HttpResponse<InputStream> stream = lifecycleEvents(lifecycle);
        try {
            otherNode.put("jar:" + sha256, Base64.getEncoder().encodeToString(jar));
            long version = otherNode.version("operator-state");
            assertThat(otherNode.write("operator-state", version, "{\"unloaded\": [], \"overrides\": {},"
                    + " \"config\": {}, \"jars\": {\"shared-upload.jar\": \"" + sha256 + "\"}}"))
                    .isEqualTo(version + 1);

            awaitUntil(lifecycle, "shared-upload loaded from the jar another node uploaded",
                    () -> status("shared-upload") == 200);
            assertThat(execute("shared-upload", "x")).contains("uploaded elsewhere");
            assertThat(admin.json("GET", "api/jars", null).body())
                    .containsPattern("\"file\":\"shared-upload.jar\"[^}]*\"shared\":true");
            WebDriver browser = ConsoleBrowser.open(admin.base(), AdminClient.VIEWER, dir);
            try {
                assertThat(ConsoleBrowser.text(browser, By.cssSelector("#jars tr[data-jar='shared-upload.jar']")))
                        .contains("shared-upload.jar (every node)");
            } finally {
                ConsoleBrowser.close(browser, "sharedStateIT-jars");
            }

            byte[] ours = Files.readAllBytes(PluginJarBuilder.plugin("shared-here").build(dir));
            assertThat(admin.upload("shared-here.jar", ours).statusCode()).isEqualTo(201);
            assertThat(otherNode.read("operator-state").orElseThrow().text()).contains(
                    "\"shared-here.jar\":\"" + sha256(ours) + "\"", "\"shared-upload.jar\":\"" + sha256 + "\"");
            assertThat(Base64.getDecoder().decode(otherNode.read("jar:" + sha256(ours)).orElseThrow().text()))
                    .isEqualTo(ours);

            assertThat(admin.json("DELETE", "api/plugins/shared-here", null).statusCode()).isEqualTo(200);
            assertThat(admin.json("DELETE", "api/jars/shared-here.jar", null).statusCode()).isEqualTo(204);
            assertThat(otherNode.read("operator-state").orElseThrow().text()).doesNotContain("shared-here.jar");
            assertThat(otherNode.read("jar:" + sha256(ours))).as("its bytes dropped").isEmpty();
        } finally {
            stream.body().close();
            for (String plugin : List.of("shared-upload", "shared-here")) {
                admin.json("DELETE", "api/plugins/" + plugin, null);
                admin.json("DELETE", "api/jars/" + plugin + ".jar", null);
            }
            deployer.undeploy(HOST);
            forgetSharedState();
        }
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    /** Opens the server's event stream, whose lifecycle events go to {@code lifecycle}; close its body. */
    private HttpResponse<InputStream> lifecycleEvents(BlockingQueue<String> lifecycle) throws Exception {
        return admin.events(line -> {
            if (line.contains("\"kind\"")) {
                lifecycle.add(line);
            }
        });
    }

    private int status(String plugin) {
        try {
            return admin.json("GET", "api/plugins/" + plugin, null).statusCode();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private String cluster() {
        try {
            return admin.json("GET", "api/cluster", null).body();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private String execute(String plugin, String input) {
        try {
            return admin.json("POST", "api/plugins/" + plugin + "/execute", "\"" + input + "\"").body();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Checks again at each lifecycle event the server announces (and at least every second), for 30 s. */
    private static void awaitUntil(BlockingQueue<String> lifecycle, String what, BooleanSupplier done)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!done.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what + " within 30 s").isLessThan(deadline);
            lifecycle.poll(1, TimeUnit.SECONDS);
        }
    }

    private void forgetSharedState() throws Exception {
        otherNode.version("operator-state"); // makes the table if no node has yet
        try (Connection connection = PostgresDevServer.dataSource().getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute("DELETE FROM \"pluginhost$document\" WHERE name = 'operator-state'"
                    + " OR name LIKE 'node:%' OR name LIKE 'jar:%'");
        }
    }
}
