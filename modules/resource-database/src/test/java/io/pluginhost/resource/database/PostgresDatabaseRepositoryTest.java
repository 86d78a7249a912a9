package io.pluginhost.resource.database;

import io.pluginhost.api.resource.DatabaseRepository;
import io.pluginhost.devservices.PostgresDevServer;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The repository on a real PostgreSQL, where each plugin also runs under its own role. */
class PostgresDatabaseRepositoryTest extends DatabaseRepositoryContract {

    @Override
    DataSource dataSource() {
        return PostgresDevServer.dataSource();
    }

    @Override
    boolean isPostgres() {
        return true;
    }

    @Test
    void underAPluginsRoleTheDatabaseItselfRefusesOtherPluginsTables() throws Exception {
        String hr = uniquePlugin("hr");
        String crm = uniquePlugin("crm");
        DatabaseRepository hrDb = repository(hr, "people");
        DatabaseRepository crmDb = repository(crm, "notes");
        hrDb.executeCommand("CREATE TABLE people (id INTEGER, salary INTEGER)");
        hrDb.executeCommand("INSERT INTO people VALUES (1, 100000)");
        crmDb.executeCommand("CREATE TABLE notes (id INTEGER)");

        try (Connection connection = dataSource().getConnection(); Statement raw = connection.createStatement()) {
            connection.setAutoCommit(false);
            raw.execute("SET LOCAL ROLE " + SqlNames.quote(PostgresRoles.roleName(crm)));
            // Unguarded SQL, as if a statement had slipped past the guard:
            assertThatThrownBy(() -> raw.executeQuery("SELECT * FROM " + SqlNames.quote(hr + "_people")))
                    .isInstanceOf(SQLException.class).hasMessageContaining("permission denied");
            connection.rollback();
            raw.execute("SET LOCAL ROLE " + SqlNames.quote(PostgresRoles.roleName(crm)));
            assertThatThrownBy(() -> raw.execute("DROP TABLE " + SqlNames.quote(hr + "_people")))
                    .isInstanceOf(SQLException.class).hasMessageContaining("must be owner");
            connection.rollback();
            raw.execute("SET LOCAL ROLE " + SqlNames.quote(PostgresRoles.roleName(crm)));
            assertThatThrownBy(() -> raw.executeQuery("SELECT pg_read_file('PG_VERSION')"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("permission denied");
            connection.rollback();
            raw.execute("SET LOCAL ROLE " + SqlNames.quote(PostgresRoles.roleName(crm)));
            try (ResultSet own = raw.executeQuery("SELECT count(*) FROM " + SqlNames.quote(crm + "_notes"))) {
                assertThat(own.next()).isTrue();
            }
            connection.rollback();
        }
    }

    @Test
    void tablesCreatedThroughAPluginAreOwnedByItsRole() throws Exception {
        String plugin = uniquePlugin("owner");
        repository(plugin, "items").executeCommand("CREATE TABLE items (id INTEGER)");

        try (Connection connection = dataSource().getConnection(); Statement raw = connection.createStatement();
             ResultSet rows = raw.executeQuery("SELECT tableowner FROM pg_tables WHERE tablename = '"
                     + plugin + "_items'")) {
            assertThat(rows.next()).isTrue();
            assertThat(rows.getString(1)).isEqualTo(PostgresRoles.roleName(plugin));
        }
    }

    @Test
    void aStatementRunsInsideTheCallersTransactionAndLeavesTheSessionRoleAsItWas() throws Exception {
        String plugin = uniquePlugin("tx");
        DatabaseRepository db = repository(plugin, "items");
        db.executeCommand("CREATE TABLE items (id INTEGER)");

        try (Connection connection = dataSource().getConnection(); Statement raw = connection.createStatement();
             ResultSet role = raw.executeQuery("SELECT current_user")) {
            role.next();
            assertThat(role.getString(1)).isEqualTo("postgres");
        }
    }
}
