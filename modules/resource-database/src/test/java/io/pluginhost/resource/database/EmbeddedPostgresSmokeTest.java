package io.pluginhost.resource.database;

import io.pluginhost.devservices.PostgresDevServer;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;

class EmbeddedPostgresSmokeTest {

    @Test
    void aRealPostgresServerAnswers() throws Exception {
        try (Connection connection = PostgresDevServer.dataSource().getConnection();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT version()")) {
            assertThat(rows.next()).isTrue();
            assertThat(rows.getString(1)).startsWith("PostgreSQL 14");
        }
    }
}
