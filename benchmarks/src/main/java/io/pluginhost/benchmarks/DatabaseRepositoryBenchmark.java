package io.pluginhost.benchmarks;

import io.pluginhost.resource.database.SqlDialect;
import io.pluginhost.resource.database.SqlTableGuard;
import org.h2.jdbcx.JdbcConnectionPool;
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

import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The SQL guard's cost per statement, cached and uncached, and a query through the database
 * repository against the same query in plain JDBC on the same pooled H2 data source, both reading
 * the rows into maps. Targets: repository within 1.05x of raw JDBC; cached guard under 2 us.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 10, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgs = {"-Xmx1g"})
public class DatabaseRepositoryBenchmark {

    private JdbcConnectionPool pool;
    private NotesFixture notes;
    private SqlTableGuard warmGuard;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        pool = JdbcConnectionPool.create("jdbc:h2:mem:bench;DB_CLOSE_DELAY=-1;DATABASE_TO_LOWER=TRUE", "sa", "");
        notes = new NotesFixture("bench", pool);
        warmGuard = new SqlTableGuard("bench", notes.resources.tables(), SqlDialect.H2, notes.parser,
                Duration.ofSeconds(5));
        warmGuard.guard(NotesFixture.QUERY);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        notes.close();
        pool.dispose();
    }

    @Benchmark
    public Object guardCached() {
        return warmGuard.guard(NotesFixture.QUERY);
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public Object guardUncached() {
        return new SqlTableGuard("bench", notes.resources.tables(), SqlDialect.H2, notes.parser,
                Duration.ofSeconds(5)).guard(NotesFixture.QUERY);
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
