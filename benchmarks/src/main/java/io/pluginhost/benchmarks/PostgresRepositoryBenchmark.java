package io.pluginhost.benchmarks;

import io.pluginhost.api.PluginDescriptor;
import io.pluginhost.api.resource.DatabaseRepository;
import io.pluginhost.devservices.PostgresDevServer;
import io.pluginhost.resource.database.DatabaseRepositoryProvider;
import io.pluginhost.resource.database.DatabaseSettings;
import io.pluginhost.runtime.resource.EffectiveResources;
import io.pluginhost.runtime.resource.ResourceOverrides;
import io.pluginhost.runtime.resource.ResourceScope;
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
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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

    private static final String QUERY = "SELECT n.id, n.body, t.tag FROM notes n JOIN note_tags t ON t.note_id = n.id"
            + " WHERE n.id = ?";
    private static final String PHYSICAL_QUERY = "SELECT n.id, n.body, t.tag FROM \"pgbench_notes\" n"
            + " JOIN \"pgbench_note_tags\" t ON t.note_id = n.id WHERE n.id = ?";

    private ExecutorService parser;
    private PerUserPool pool;
    private DatabaseRepository repository;
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        parser = Executors.newCachedThreadPool(r -> {
            Thread thread = new Thread(r, "sql-parser");
            thread.setDaemon(true);
            return thread;
        });
        pool = new PerUserPool(PostgresDevServer.dataSource());
        PluginDescriptor descriptor = new PluginDescriptor("pgbench", "1", "", List.of(), List.of("notes", "note_tags"),
                List.of(), List.of());
        repository = new DatabaseRepositoryProvider(pool, parser, DatabaseSettings.defaults())
                .open(ResourceScope.of("pgbench", EffectiveResources.of(descriptor, ResourceOverrides.NONE),
                        (what, e) -> {
                            throw new IllegalStateException(what, e);
                        }));
        repository.executeCommand("CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY, body VARCHAR(200))");
        repository.executeCommand("CREATE TABLE IF NOT EXISTS note_tags (note_id INTEGER, tag VARCHAR(50))");
        repository.executeCommand("TRUNCATE note_tags");
        repository.executeCommand("DELETE FROM notes");
        for (int i = 0; i < 1000; i++) {
            repository.executeCommand("INSERT INTO notes VALUES (?, ?)", i, "note " + i);
            repository.executeCommand("INSERT INTO note_tags VALUES (?, ?), (?, ?)", i, "a", i, "b");
        }
        try (Connection connection = pool.getConnection();
             PreparedStatement analyze = connection.prepareStatement("ANALYZE \"pgbench_notes\"")) {
            analyze.execute();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.close();
        parser.shutdownNow();
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
