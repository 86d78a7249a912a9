package io.pluginhost.resource.database;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The leases of tasks on one node, in a real PostgreSQL and in H2, asked by several nodes (one store each, as
 * each host has its own) at once: one holds each lease, its holder renews it, a lapsed or released lease goes
 * to the next node that asks.
 */
class DatabaseTaskLeasesTest {

    private static final Duration MINUTE = Duration.ofMinutes(1);

    private static DataSource database(String kind) {
        return TestDatabases.of(kind, "jdbc:h2:mem:task-leases;DB_CLOSE_DELAY=-1");
    }

    private static DatabaseTaskLeases node(DataSource database, String node) {
        return new DatabaseTaskLeases(() -> database, node, Duration.ofSeconds(10));
    }

    /** A task name no earlier run of the test used, against the same server. */
    private static String task(String base) {
        return base + "-" + System.nanoTime();
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void oneNodeHoldsALeaseAndRenewsItAndOnceItGivesItUpTheNextNodeToAskTakesIt(String kind) throws Exception {
        DataSource database = database(kind);
        DatabaseTaskLeases a = node(database, "a");
        DatabaseTaskLeases b = node(database, "b");
        String task = task("sweep");

        assertThat(a.hold("sweeper", task, MINUTE)).as("the first to ask").isTrue();
        assertThat(b.hold("sweeper", task, MINUTE)).as("another node, while a holds it").isFalse();
        assertThat(a.hold("sweeper", task, MINUTE)).as("its holder renews it").isTrue();
        assertThat(b.hold("other-plugin", task, MINUTE)).as("another plugin's task of that name").isTrue();

        b.release("sweeper", task); // not b's to give
        assertThat(b.hold("sweeper", task, MINUTE)).isFalse();
        a.release("sweeper", task);
        assertThat(b.hold("sweeper", task, MINUTE)).as("given up by a").isTrue();
        assertThat(a.hold("sweeper", task, MINUTE)).isFalse();
    }

    /** A node that stops without a word lets its lease lapse; the database's clock says when. */
    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void aLeaseItsHolderDoesNotRenewLapsesAndGoesToTheNextNodeToAsk(String kind) throws Exception {
        DataSource database = database(kind);
        DatabaseTaskLeases a = node(database, "a");
        DatabaseTaskLeases b = node(database, "b");
        String task = task("lapse");
        assertThat(a.hold("sweeper", task, Duration.ofMillis(50))).isTrue();

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!b.hold("sweeper", task, MINUTE)) {
            assertThat(System.nanoTime()).as("the lease of 50 ms did not lapse in 30 s").isLessThan(deadline);
        }
        assertThat(a.hold("sweeper", task, MINUTE)).as("its old holder, back").isFalse();
    }

    /**
     * The table keeps about one row per task some node runs: a lease given up takes its row, and a lease whose
     * holder stopped without a word an hour ago or more is swept by the next node that asks for any lease.
     */
    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void rowsOfLeasesGivenUpOrLapsedLongAgoDoNotStay(String kind) throws Exception {
        DataSource database = database(kind);
        DatabaseTaskLeases a = node(database, "a");
        String given = task("given-up");
        String lapsed = task("lapsed-long-ago");
        String recent = task("lapsed-now");
        assertThat(a.hold("sweeper", given, MINUTE)).isTrue();
        assertThat(a.hold("sweeper", recent, Duration.ZERO)).isTrue();
        try (Connection connection = database.getConnection(); Statement raw = connection.createStatement()) {
            raw.execute("INSERT INTO \"pluginhost$task_lease\" (plugin, task, holder, until_ms) VALUES ('gone', '"
                    + lapsed + "', 'crashed', " + (System.currentTimeMillis() - Duration.ofHours(2).toMillis()) + ")");
        }

        a.release("sweeper", given);
        assertThat(node(database, "b").hold("other", task("any"), MINUTE)).isTrue(); // b's first ask sweeps

        assertThat(rows(database, given)).as("given up").isZero();
        assertThat(rows(database, lapsed)).as("lapsed two hours ago").isZero();
        assertThat(rows(database, recent)).as("lapsed just now: its task may run again").isEqualTo(1);
    }

    private static int rows(DataSource database, String task) throws SQLException {
        try (Connection connection = database.getConnection();
             PreparedStatement count = connection.prepareStatement(
                     "SELECT count(*) FROM \"pluginhost$task_lease\" WHERE task = ?")) {
            count.setString(1, task);
            try (ResultSet rows = count.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        }
    }

    /** Eight nodes ask at once, for a lease no one holds yet and then for one that lapsed: one gets it each time. */
    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void nodesAskingAtOnceGetTheLeaseOnce(String kind) throws Exception {
        DataSource database = database(kind);
        int nodes = 8;
        List<DatabaseTaskLeases> stores = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            stores.add(node(database, "node-" + i));
        }
        stores.get(0).hold("warm-up", task("warm-up"), MINUTE); // the table exists before the race
        ExecutorService threads = Executors.newFixedThreadPool(nodes);
        try {
            for (int round = 0; round < 20; round++) {
                String task = task("race");
                if (round % 2 == 1) { // a lease that lapsed: its row exists, so each node's UPDATE races
                    stores.get(0).hold("sweeper", task, Duration.ZERO);
                }
                CyclicBarrier start = new CyclicBarrier(nodes);
                List<Future<Boolean>> answers = new ArrayList<>();
                for (DatabaseTaskLeases store : stores) {
                    answers.add(threads.submit(() -> {
                        start.await(30, TimeUnit.SECONDS);
                        return store.hold("sweeper", task, MINUTE);
                    }));
                }
                int held = 0;
                for (Future<Boolean> answer : answers) {
                    held += answer.get(60, TimeUnit.SECONDS) ? 1 : 0;
                }
                assertThat(held).as("round %d: nodes that got the lease", round).isEqualTo(1);
            }
        } finally {
            threads.shutdownNow();
        }
    }

    /** A pool whose connections do not commit by themselves would roll every lease back when it closes them. */
    @Test
    void aLeaseIsKeptOnADataSourceWhoseConnectionsDoNotCommitByThemselves() throws Exception {
        DataSource manual = TestDatabases.h2("jdbc:h2:mem:task-leases-manual;DB_CLOSE_DELAY=-1;AUTOCOMMIT=OFF");
        try (Connection connection = manual.getConnection()) {
            assertThat(connection.getAutoCommit()).as("the data source's default").isFalse();
        }
        String task = task("manual");

        assertThat(node(manual, "a").hold("sweeper", task, MINUTE)).isTrue();
        assertThat(node(manual, "b").hold("sweeper", task, MINUTE)).as("a's lease, committed").isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void aDatabaseThatCannotBeReachedIsAnErrorNotALease(String kind) {
        Callable<DataSource> gone = () -> {
            throw new javax.naming.NameNotFoundException("java:jboss/datasources/Gone");
        };
        DatabaseTaskLeases store = new DatabaseTaskLeases(gone, "a", Duration.ofSeconds(10));

        assertThatThrownBy(() -> store.hold("sweeper", "sweep", MINUTE)).hasMessageContaining("Gone");
        assertThat(store.toString()).contains("node a", "pluginhost$task_lease");
    }

    /** A role that made the table before the host would choose which node runs what. */
    @Test
    void onPostgresqlALeaseTableTheHostDoesNotOwnIsRefused() throws Exception {
        DataSource database = database("postgresql");
        node(database, "a").hold("warm-up", task("warm-up"), MINUTE);
        String squatter = "squatter_" + System.nanoTime();
        try (Connection connection = database.getConnection(); Statement raw = connection.createStatement()) {
            raw.execute("CREATE ROLE " + squatter);
            raw.execute("ALTER TABLE \"pluginhost$task_lease\" OWNER TO " + squatter);
            try {
                assertThatThrownBy(() -> node(database, "b").hold("sweeper", "sweep", MINUTE))
                        .isInstanceOf(SQLException.class)
                        .hasMessageContaining("the table pluginhost$task_lease is owned by " + squatter);
            } finally {
                raw.execute("ALTER TABLE \"pluginhost$task_lease\" OWNER TO CURRENT_USER");
                raw.execute("DROP ROLE " + squatter);
            }
        }
    }
}
