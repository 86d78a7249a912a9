package io.pluginhost.benchmarks;

import io.pluginhost.devservices.PostgresDevServer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;

/**
 * A query through the database repository on a real PostgreSQL, where the plugin's statement runs on
 * a connection that is its own login role, against the same query in plain JDBC; both take their
 * connection from the same kind of per-user pool and read the rows into maps. Target: the repository
 * within 1.15x of raw JDBC.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgs = {"-Xmx1g"})
public class PostgresRepositoryBenchmark {

    private PerUserPool pool;
    private NotesFixture notes;
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        pool = new PerUserPool(PostgresDevServer.dataSource());
        notes = new NotesFixture("pgbench", pool);
        try (Connection connection = pool.getConnection();
             PreparedStatement analyze = connection.prepareStatement("ANALYZE \"pgbench_notes\"")) {
            analyze.execute();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        notes.close();
        pool.close();
    }

    @Benchmark
    public Object repositoryExecuteQuery() {
        next = (next + 1) % 1000;
        return notes.repository.executeQuery(NotesFixture.QUERY, next);
    }

    @Benchmark
    public Object rawJdbcQuery() throws SQLException {
        next = (next + 1) % 1000;
        return RawJdbc.query(pool, notes.physicalQuery, next);
    }
}
