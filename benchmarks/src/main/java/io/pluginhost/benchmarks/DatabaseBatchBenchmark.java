package io.pluginhost.benchmarks;

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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * 100 rows changed by one statement each, in one transaction, on a pooled H2: through the repository's
 * {@code executeBatch}, through its {@code inTransaction} with a call per row, and the same two ways in plain
 * JDBC (one batch; a statement per row in a transaction).
 * The rows are updates of the fixture's notes, so the tables do not grow from one invocation to the next.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 10, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgs = {"-Xmx1g"})
public class DatabaseBatchBenchmark {

    private static final int ROWS = 100;
    private static final String UPDATE = "UPDATE notes SET body = ? WHERE id = ?";

    private JdbcConnectionPool pool;
    private NotesFixture notes;
    private String physicalUpdate;
    private int round;

    @Setup(Level.Trial)
    public void setUp() {
        pool = JdbcConnectionPool.create("jdbc:h2:mem:batch;DB_CLOSE_DELAY=-1;DATABASE_TO_LOWER=TRUE", "sa", "");
        notes = new NotesFixture("bench", pool);
        physicalUpdate = "UPDATE \"bench_notes\" SET body = ? WHERE id = ?";
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        notes.close();
        pool.dispose();
    }

    /** The next 100 notes and a body for each, different every invocation. */
    private List<Object[]> rows() {
        round++;
        List<Object[]> rows = new ArrayList<>(ROWS);
        int first = round * ROWS % 1000;
        for (int i = 0; i < ROWS; i++) {
            rows.add(new Object[] {"note " + round, first + i});
        }
        return rows;
    }

    @Benchmark
    public int[] repositoryBatch() {
        return notes.repository.executeBatch(UPDATE, rows());
    }

    @Benchmark
    public int repositoryCallPerRowInTransaction() {
        List<Object[]> rows = rows();
        return notes.repository.inTransaction(tx -> {
            int changed = 0;
            for (Object[] row : rows) {
                changed += tx.executeCommand(UPDATE, row);
            }
            return changed;
        });
    }

    @Benchmark
    public int[] rawJdbcBatch() throws SQLException {
        return RawJdbc.batch(pool, physicalUpdate, rows());
    }

    @Benchmark
    public int rawJdbcStatementPerRowInTransaction() throws SQLException {
        return RawJdbc.statementPerRowInTransaction(pool, physicalUpdate, rows());
    }
}
