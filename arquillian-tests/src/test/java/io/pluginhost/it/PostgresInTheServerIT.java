package io.pluginhost.it;

import io.pluginhost.it.support.AdminClient;
import io.pluginhost.it.support.KnockingPlugin;
import io.pluginhost.it.support.Management;
import io.pluginhost.it.support.NotesPlugin;
import io.pluginhost.it.support.PostgresDataSourceWar;
import io.pluginhost.devservices.PostgresDevServer;
import io.pluginhost.resource.database.DatabaseTaskLeases;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.as.arquillian.container.ManagementClient;
import org.jboss.dmr.ModelNode;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.OperateOnDeployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A plugin on PostgreSQL through a second container DataSource, chosen for it by configuration
 * ({@code pluginhost.plugin.pg-notes.datasource=java:global/jdbc/PluginsPG}, see arquillian.xml),
 * while the other plugins stay on H2. The DataSource is defined by a second deployment that carries
 * the driver; its tables end up owned by the plugin's own database role.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class PostgresInTheServerIT {

    private static final String LATE_DATA_SOURCE = "postgres-late";

    @ArquillianResource
    Deployer deployer;

    @ArquillianResource
    @OperateOnDeployment("host")
    ManagementClient management;

    private final HttpClient http = HttpClient.newHttpClient();

    @ArquillianResource
    @OperateOnDeployment("host")
    URL host;

    @TempDir
    Path dir;

    @Deployment(name = "host", order = 1, testable = false)
    static EnterpriseArchive ear() {
        return AdminClient.hostEar();
    }

    @Deployment(name = "postgres", order = 2, testable = false)
    static WebArchive postgresDataSource() throws Exception {
        return PostgresDataSourceWar.of("plugins-postgres.war", "java:global/jdbc/PluginsPG");
    }

    /** The data source of {@code pg-late} (see arquillian.xml), deployed by the test that needs it. */
    @Deployment(name = LATE_DATA_SOURCE, managed = false, testable = false)
    static WebArchive lateDataSource() throws Exception {
        return PostgresDataSourceWar.of("plugins-postgres-late.war", "java:global/jdbc/PluginsPGLate");
    }

    /** @return a plugin that creates its table {@code notes} in {@code initialize}; {@code execute} runs the body */
    private Path notesPlugin(String name, String execute) {
        return NotesPlugin.jar(name, execute, dir);
    }

    private HttpResponse<String> admin(String method, String path, String type, HttpRequest.BodyPublisher body)
            throws Exception {
        return new AdminClient(host).send(AdminClient.ADMIN, method, path, type, body);
    }

    @Test
    void aPluginMappedToThePostgresDataSourceCreatesInsertsAndQueriesThereUnderItsOwnRole() throws Exception {
        byte[] jar = Files.readAllBytes(notesPlugin("pg-notes", """
                DatabaseRepository db = context.database().orElseThrow();
                db.executeCommand("INSERT INTO notes (id, body) VALUES ($1, $2)", 1, "on postgres");
                return db.executeQuery("SELECT id, body FROM notes WHERE id = $1", 1);"""));
        AdminClient admin = new AdminClient(host);
        try {
            HttpResponse<String> uploaded = admin("PUT", "api/jars/pg-notes.jar",
                    "application/java-archive", HttpRequest.BodyPublishers.ofByteArray(jar));
            assertThat(uploaded.statusCode()).as(uploaded.body()).isEqualTo(201);

            HttpResponse<String> executed = admin("POST", "api/plugins/pg-notes/execute", "application/json",
                    HttpRequest.BodyPublishers.ofString("null"));

            // PostgreSQL folds unquoted labels to lowercase (H2's ExampleDS would answer ID and BODY).
            assertThat(executed.body()).contains("{\"id\":1,\"body\":\"on postgres\"}");
            try (Connection connection = PostgresDevServer.dataSource().getConnection();
                 Statement raw = connection.createStatement();
                 ResultSet rows = raw.executeQuery(
                         "SELECT tableowner FROM pg_tables WHERE tablename = 'pg-notes_notes'")) {
                assertThat(rows.next()).as("the physical table exists on PostgreSQL").isTrue();
                assertThat(rows.getString(1)).isEqualTo("ph_pg-notes");
            }
        } finally {
            // Left in the directory, it would fail to load wherever its data source is not deployed.
            admin.json("DELETE", "api/plugins/pg-notes", null);
            admin.json("DELETE", "api/jars/pg-notes.jar", null);
        }
    }

    /**
     * Transactions on the container's pool, at a level the plugin chose: under REPEATABLE READ a row reads the
     * same while another thread of the plugin changes it, a change of that row then fails as a conflict to run
     * again, and the next transaction, at the pool's own level, sees each committed change.
     */
    @Test
    void aPluginsTransactionRunsAtTheLevelItAsksForAndAConflictIsTypedInTheServer() throws Exception {
        byte[] jar = Files.readAllBytes(notesPlugin("pg-notes", """
                DatabaseRepository db = context.database().orElseThrow();
                db.executeCommand("DELETE FROM notes WHERE id = $1", 2);
                db.executeCommand("INSERT INTO notes (id, body) VALUES ($1, $2)", 2, "first");
                java.util.function.Function<String, java.util.function.Function<DatabaseRepository, String>> read =
                        change -> tx -> {
                            String before = String.valueOf(tx.executeQuery("SELECT body FROM notes WHERE id = 2"));
                            java.util.concurrent.CompletableFuture.runAsync(() -> db.executeCommand(
                                    "UPDATE notes SET body = $1 WHERE id = 2", change)).join();
                            return before + String.valueOf(tx.executeQuery("SELECT body FROM notes WHERE id = 2"));
                        };
                String repeatable = db.inTransaction(DatabaseRepository.Isolation.REPEATABLE_READ,
                        read.apply("second"));
                String conflict;
                try {
                    conflict = db.inTransaction(DatabaseRepository.Isolation.REPEATABLE_READ,
                            tx -> read.apply("third").apply(tx) + tx.executeCommand("UPDATE notes SET body = 'mine'"
                                    + " WHERE id = 2"));
                } catch (io.pluginhost.api.exception.TransactionConflictException e) {
                    conflict = "conflict: " + e.getMessage();
                }
                return repeatable + " / " + conflict + " / " + db.inTransaction(read.apply("fourth"));"""));
        AdminClient admin = new AdminClient(host);
        try {
            assertThat(admin.upload("pg-notes.jar", jar).statusCode()).isEqualTo(201);

            HttpResponse<String> executed = admin.json("POST", "api/plugins/pg-notes/execute", "null");

            assertThat(executed.statusCode()).as(executed.body()).isEqualTo(200);
            assertThat(executed.body()).contains("[{body=first}][{body=first}] / conflict: ",
                    "could not serialize access due to concurrent update", "run it again",
                    " / [{body=third}][{body=fourth}]");
        } finally {
            admin.json("DELETE", "api/plugins/pg-notes", null);
            admin.json("DELETE", "api/jars/pg-notes.jar", null);
        }
    }

    /**
     * A plugin whose data source is not there when its jar arrives (deployed after the host, or its
     * database down) fails to load, waits for it, and loads by itself once the data source answers
     * ({@code pluginhost.load-retry.period=PT1S} here).
     */
    @Test
    void aPluginThatFailedForWantOfItsDataSourceLoadsByItselfOnceItIsThere() throws Exception {
        Path jar = notesPlugin("pg-late", """
                return context.database().orElseThrow().executeQuery("SELECT count(*) AS notes FROM notes");""");
        Path target = Path.of(System.getProperty("pluginhost.plugin-dir")).resolve("pg-late.jar");
        AdminClient admin = new AdminClient(host);
        BlockingQueue<String> lifecycle = new LinkedBlockingQueue<>();
        HttpResponse<InputStream> stream = admin.events(line -> {
            if (line.contains("\"kind\"") && line.contains("\"plugin\":\"pg-late\"")) {
                lifecycle.add(line);
            }
        });
        boolean deployed = false;
        try {
            Files.copy(jar, target); // hot deploy loads it, before its data source exists

            assertThat(next(lifecycle)).contains("\"kind\":\"FAILED\"", "java:global/jdbc/PluginsPGLate");
            // The host looks at the failure on a thread of its own, at once: the jar is then listed as waiting.
            assertThat(jarUntil(admin, "pg-late.jar", "\"state\":\"WAITING\""))
                    .contains("loaded again once database java:global/jdbc/PluginsPGLate answer");
            deployer.deploy(LATE_DATA_SOURCE);
            deployed = true;

            assertThat(next(lifecycle)).contains("\"kind\":\"LOADED\"");
            assertThat(admin.json("POST", "api/plugins/pg-late/execute", "null").body()).contains("\"notes\":0");
            Files.delete(target);
            assertThat(next(lifecycle)).contains("\"kind\":\"UNLOADED\"");
        } finally {
            stream.body().close();
            Files.deleteIfExists(target);
            if (deployed) {
                deployer.undeploy(LATE_DATA_SOURCE);
            }
        }
    }

    /**
     * A task on one node ({@code scheduleOnOneNode}) in the real server, whose leases are kept in PostgreSQL
     * here ({@code pluginhost.tasks.datasource}, see arquillian.xml): the test plays a second node of the
     * cluster through the same store another host would have. Each run knocks at the test's port.
     */
    @Test
    void aTaskOnOneNodeRunsInTheServerOnlyWhileNoOtherNodeHoldsItsLeaseAndItsUnloadHandsTheLeaseOn()
            throws Exception {
        DatabaseTaskLeases otherNode = new DatabaseTaskLeases(PostgresDevServer::dataSource, "other-node",
                Duration.ofSeconds(10));
        Duration hour = Duration.ofHours(1);
        assertThat(otherNode.hold("pg-ticker", "beat", hour)).as("the other node first").isTrue();
        byte[] jar = Files.readAllBytes(KnockingPlugin.jar("pg-ticker",
                "scheduleOnOneNode(\"beat\", java.time.Duration.ZERO, java.time.Duration.ofMillis(10), ", dir));
        AdminClient admin = new AdminClient(host);
        try {
            assertThat(admin.upload("pg-ticker.jar", jar).statusCode()).isEqualTo(201);
            try (ServerSocket runs = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
                HttpResponse<String> started = admin.json("POST", "api/plugins/pg-ticker/execute",
                        "\"" + runs.getLocalPort() + "\"");
                assertThat(started.statusCode()).as(started.body()).isEqualTo(200);
                runs.setSoTimeout(1_000); // a hundred times the task's period
                assertThatThrownBy(runs::accept).as("a run while another node holds the lease")
                        .isInstanceOf(SocketTimeoutException.class);

                otherNode.release("pg-ticker", "beat");
                runs.setSoTimeout(30_000);
                try (Socket run = runs.accept()) {
                    run.getOutputStream().write(1);
                }
                assertThat(otherNode.hold("pg-ticker", "beat", hour)).as("while the server holds it").isFalse();
            } // closing it resets the connection of a run the test did not take, which ends that run

            assertThat(admin.json("DELETE", "api/plugins/pg-ticker", null).statusCode()).isEqualTo(200);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!otherNode.hold("pg-ticker", "beat", hour)) {
                assertThat(System.nanoTime()).as("the server did not give the lease up in 30 s").isLessThan(deadline);
            }
        } finally {
            admin.json("DELETE", "api/plugins/pg-ticker", null);
            admin.json("DELETE", "api/jars/pg-ticker.jar", null);
            otherNode.release("pg-ticker", "beat");
        }
    }

    /**
     * A data source of the datasources subsystem (on the driver the other deployment brings) that keeps one
     * pool for every user, as a data source does unless told otherwise: once a plugin logs in to it as its own
     * role the host names the setting that gives a pool per user ({@code pg-pool} is mapped to its JNDI name in
     * arquillian.xml). With the setting, WildFly destroys no connection for another user's and the host says
     * nothing. The second data source replaces the first at its JNDI name, as an operator who removes and adds
     * one does: the host had kept the first, shut down, and failed every load on it until it was redeployed.
     */
    @Test
    void aDataSourceWithOnePoolForEveryUserIsNamedAndOneAddedAgainIsTheOneTheNextLoadGets() throws Exception {
        String written = withPoolDataSource("PluginsPGOnePool", false);
        assertThat(written).contains("plugins log in to data source java:jboss/datasources/PluginsPGPool",
                "/subsystem=datasources/data-source=PluginsPGOnePool:write-attribute(name=allow-multiple-users,"
                        + " value=true)", "IJ000612");
        assertThat(written).as("one data source, looked up at each load").doesNotContain("is another than");

        // Another data source at the same JNDI name: the plugin that loads next is given it, not the one removed.
        written = withPoolDataSource("PluginsPGPerUser", true);
        assertThat(written).contains("data source java:jboss/datasources/PluginsPGPool is another than when a plugin"
                + " last loaded on it").doesNotContain("plugins log in to data source", "IJ000612");
    }

    /**
     * Adds a data source at {@code java:jboss/datasources/PluginsPGPool}, loads {@code pg-notes} on it, runs
     * statements as the plugin between the host's own, and takes all of it away again.
     *
     * @return what the server logged meanwhile
     */
    private String withPoolDataSource(String name, boolean allowMultipleUsers) throws Exception {
        ModelNode address = new ModelNode();
        address.add("subsystem", "datasources").add("data-source", name);
        ModelNode add = new ModelNode();
        add.get("operation").set("add");
        add.get("address").set(address);
        add.get("jndi-name").set("java:jboss/datasources/PluginsPGPool");
        org.postgresql.Driver driver = new org.postgresql.Driver();
        add.get("driver-name").set("plugins-postgres.war_org.postgresql.Driver_" + driver.getMajorVersion() + "_"
                + driver.getMinorVersion());
        add.get("connection-url").set(System.getProperty("it.pg.url"));
        add.get("user-name").set("postgres");
        add.get("jta").set(false);
        add.get("allow-multiple-users").set(allowMultipleUsers);
        Management.execute(management, add);
        Path log = Path.of(System.getProperty("jboss.home"), "standalone", "log", "server.log");
        long mark = Files.size(log);
        AdminClient admin = new AdminClient(host);
        try {
            byte[] jar = Files.readAllBytes(notesPlugin("pg-pool", """
                    DatabaseRepository db = context.database().orElseThrow();
                    db.executeCommand("INSERT INTO notes (id, body) VALUES ($1, $2) ON CONFLICT DO NOTHING", 1, "x");
                    return db.executeQuery("SELECT count(*) AS notes FROM notes");"""));
            HttpResponse<String> uploaded = admin.upload("pg-pool.jar", jar);
            assertThat(uploaded.statusCode()).as(uploaded.body()).isEqualTo(201);
            for (int i = 0; i < 3; i++) { // each load (the host's user) and execute (the plugin's role) take turns
                assertThat(admin.json("POST", "api/plugins/pg-pool/execute", "null").body()).contains("\"notes\":1");
                assertThat(admin.json("POST", "api/plugins/pg-pool/reload", null).statusCode()).isEqualTo(200);
            }
        } finally {
            admin.json("DELETE", "api/plugins/pg-pool", null);
            admin.json("DELETE", "api/jars/pg-pool.jar", null);
            ModelNode remove = new ModelNode();
            remove.get("operation").set("remove");
            remove.get("address").set(address);
            remove.get("operation-headers", "allow-resource-service-restart").set(true);
            Management.execute(management, remove);
        }
        try (var in = Files.newInputStream(log)) {
            in.skipNBytes(Math.min(mark, Files.size(log))); // a log rotated at midnight starts again
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** @return the jar's entry in {@code GET /jars} once it contains {@code text}; asked every 100 ms, 30 s at most */
    private static String jarUntil(AdminClient admin, String file, String text) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String entry = AdminClient.jarEntry(admin.json("GET", "api/jars", null).body(), file);
        while ((entry == null || !entry.contains(text)) && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
            entry = AdminClient.jarEntry(admin.json("GET", "api/jars", null).body(), file);
        }
        return entry;
    }

    private static String next(BlockingQueue<String> lifecycle) throws InterruptedException {
        String event = lifecycle.poll(30, TimeUnit.SECONDS);
        assertThat(event).as("a lifecycle event of pg-late within 30 s").isNotNull();
        return event;
    }
}
