package io.pluginhost.resource.database;

import org.h2.jdbcx.JdbcDataSource;

import javax.sql.DataSource;

/** The repository on H2, as WildFly's default ExampleDS: no roles, the guard alone protects other tables. */
class H2DatabaseRepositoryTest extends DatabaseRepositoryContract {

    private static final JdbcDataSource H2 = new JdbcDataSource();

    static {
        // DATABASE_TO_LOWER: unquoted names and column labels fold to lowercase, as in PostgreSQL.
        H2.setURL("jdbc:h2:mem:repository-test;DB_CLOSE_DELAY=-1;DATABASE_TO_LOWER=TRUE");
        H2.setUser("sa");
    }

    @Override
    DataSource dataSource() {
        return H2;
    }

    @Override
    boolean isPostgres() {
        return false;
    }
}
