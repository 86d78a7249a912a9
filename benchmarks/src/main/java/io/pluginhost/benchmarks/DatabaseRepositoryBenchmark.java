package io.pluginhost.benchmarks;

import io.pluginhost.api.PluginDescriptor;
import io.pluginhost.api.resource.DatabaseRepository;
import io.pluginhost.resource.database.DatabaseRepositoryProvider;
import io.pluginhost.resource.database.DatabaseSettings;
import io.pluginhost.resource.database.SqlDialect;
import io.pluginhost.resource.database.SqlTableGuard;
import io.pluginhost.runtime.resource.EffectiveResources;
import io.pluginhost.runtime.resource.ResourceOverrides;
import io.pluginhost.runtime.resource.ResourcePolicy;
import io.pluginhost.runtime.resource.ResourceScope;
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

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The SQL guard's cost per statement, cached and uncached, and a query through the database
 * repository against the same query in plain JDBC on the same pooled H2 data source, both reading
 * the rows into maps. Targets: repository within 1.05x of raw JDBC; cached guard under 2 us.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xmx1g"})
public class DatabaseRepositoryBenchmark {

    private static final String QUERY = "SELECT n.id, n.body, t.tag FROM notes n JOIN note_tags t ON t.note_id = n.id"
            + " WHERE n.id = ?";
    private static final String PHYSICAL_QUERY = "SELECT n.id, n.body, t.tag FROM \"bench_notes\" n"
            + " JOIN \"bench_note_tags\" t ON t.note_id = n.id WHERE n.id = ?";

    private ExecutorService parser;
    private JdbcConnectionPool pool;
    private DatabaseRepository repository;
    private SqlTableGuard warmGuard;
    private ResourcePolicy tables;
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        parser = Executors.newCachedThreadPool(r -> {
            Thread thread = new Thread(r, "sql-parser");
            thread.setDaemon(true);
            return thread;
        });
        pool = JdbcConnectionPool.create("jdbc:h2:mem:bench;DB_CLOSE_DELAY=-1;DATABASE_TO_LOWER=TRUE", "sa", "");
        PluginDescriptor descriptor = new PluginDescriptor("bench", "1", "", List.of(), List.of("notes", "note_tags"),
                List.of(), List.of());
        EffectiveResources resources = EffectiveResources.of(descriptor, ResourceOverrides.NONE);
        tables = resources.tables();
        repository = new DatabaseRepositoryProvider(pool, parser, DatabaseSettings.defaults())
                .open(ResourceScope.of("bench", resources, (what, e) -> {
                    throw new IllegalStateException(what, e);
                }));
        repository.executeCommand("CREATE TABLE notes (id INTEGER PRIMARY KEY, body VARCHAR(200))");
        repository.executeCommand("CREATE TABLE note_tags (note_id INTEGER, tag VARCHAR(50))");
        repository.executeCommand("CREATE INDEX note_tags_note ON note_tags (note_id)");
        for (int i = 0; i < 1000; i++) {
            repository.executeCommand("INSERT INTO notes VALUES (?, ?)", i, "note " + i);
            repository.executeCommand("INSERT INTO note_tags VALUES (?, ?), (?, ?)", i, "a", i, "b");
        }
        warmGuard = new SqlTableGuard("bench", tables, SqlDialect.H2, parser, Duration.ofSeconds(5));
        warmGuard.guard(QUERY);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.dispose();
        parser.shutdownNow();
    }

    @Benchmark
    public Object guardCached() {
        return warmGuard.guard(QUERY);
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public Object guardUncached() {
        return new SqlTableGuard("bench", tables, SqlDialect.H2, parser, Duration.ofSeconds(5)).guard(QUERY);
    }

    @Benchmark
    public Object repositoryExecuteQuery() {
        next = (next + 1) % 1000;
        return repository.executeQuery(QUERY, next);
    }

    @Benchmark
    public Object rawJdbcQuery() throws SQLException {
        next = (next + 1) % 1000;
        return RawJdbc.query(pool, PHYSICAL_QUERY, next);
    }
}
