package io.pluginhost.it;

import io.pluginhost.it.support.AdminClient;
import io.pluginhost.devservices.PostgresDevServer;
import io.pluginhost.runtime.testing.PluginJarBuilder;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.OperateOnDeployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A plugin on PostgreSQL through a second container DataSource, chosen for it by configuration
 * ({@code pluginhost.plugin.pg-notes.datasource=java:global/jdbc/PluginsPG}, see arquillian.xml),
 * while the other plugins stay on H2. The DataSource is defined by a second deployment that carries
 * the driver; its tables end up owned by the plugin's own database role.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class PostgresInTheServerIT {

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
        File driver = new File(org.postgresql.Driver.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        String url = System.getProperty("it.pg.url").replace("&", "&amp;");
        return ShrinkWrap.create(WebArchive.class, "plugins-postgres.war")
                .addAsLibrary(driver)
                .setWebXML(new StringAsset("""
                        <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
                          <data-source>
                            <name>java:global/jdbc/PluginsPG</name>
                            <class-name>org.postgresql.ds.PGSimpleDataSource</class-name>
                            <url>%s</url>
                            <user>postgres</user>
                            <transactional>false</transactional>
                          </data-source>
                        </web-app>
                        """.formatted(url)));
    }

    private HttpResponse<String> admin(String method, String path, String type, HttpRequest.BodyPublisher body)
            throws Exception {
        return new AdminClient(host).send(AdminClient.ADMIN, method, path, type, body);
    }

    @Test
    void aPluginMappedToThePostgresDataSourceCreatesInsertsAndQueriesThereUnderItsOwnRole() throws Exception {
        byte[] jar = Files.readAllBytes(PluginJarBuilder.plugin("pg-notes").tables("notes").body("""
                private PluginContext context;
                public void initialize(PluginContext context) {
                    this.context = context;
                    context.database().orElseThrow().executeCommand(
                        "CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY, body VARCHAR(100))");
                }
                public Object execute(Object in) {
                    DatabaseRepository db = context.database().orElseThrow();
                    db.executeCommand("INSERT INTO notes (id, body) VALUES ($1, $2)", 1, "on postgres");
                    return db.executeQuery("SELECT id, body FROM notes WHERE id = $1", 1);
                }
                """).build(dir));
        HttpResponse<String> uploaded = admin("PUT", "api/jars/pg-notes.jar",
                "application/java-archive", HttpRequest.BodyPublishers.ofByteArray(jar));
        assertThat(uploaded.statusCode()).as(uploaded.body()).isEqualTo(201);

        HttpResponse<String> executed = admin("POST", "api/plugins/pg-notes/execute", "application/json",
                HttpRequest.BodyPublishers.ofString("null"));

        // PostgreSQL folds unquoted labels to lowercase (H2's ExampleDS would answer ID and BODY).
        assertThat(executed.body()).contains("{\"id\":1,\"body\":\"on postgres\"}");
        try (Connection connection = PostgresDevServer.dataSource().getConnection();
             Statement raw = connection.createStatement();
             ResultSet rows = raw.executeQuery("SELECT tableowner FROM pg_tables WHERE tablename = 'pg-notes_notes'")) {
            assertThat(rows.next()).as("the physical table exists on PostgreSQL").isTrue();
            assertThat(rows.getString(1)).isEqualTo("ph_pg-notes");
        }
    }
}
