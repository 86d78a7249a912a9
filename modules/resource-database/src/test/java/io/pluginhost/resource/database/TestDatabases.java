package io.pluginhost.resource.database;

import io.pluginhost.devservices.PostgresDevServer;
import org.h2.jdbcx.JdbcDataSource;

import javax.sql.DataSource;

/** The databases tests run on: the real PostgreSQL of the dev services, or an H2 in this JVM. */
final class TestDatabases {

    private TestDatabases() {
    }

    /**
     * @param kind  "postgresql" or "h2"
     * @param h2Url the H2 database's URL, for "h2"
     * @return the data source
     */
    static DataSource of(String kind, String h2Url) {
        return kind.equals("postgresql") ? PostgresDevServer.dataSource() : h2(h2Url);
    }

    /** @param url the H2 database's URL @return its data source, as the user {@code sa} */
    static DataSource h2(String url) {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL(url);
        h2.setUser("sa");
        return h2;
    }
}
