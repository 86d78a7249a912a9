package io.pluginhost.benchmarks;

import io.pluginhost.api.PluginDescriptor;
import io.pluginhost.api.resource.DatabaseRepository;
import io.pluginhost.resource.database.DatabaseRepositoryProvider;
import io.pluginhost.resource.database.DatabaseSettings;
import io.pluginhost.runtime.resource.EffectiveResources;
import io.pluginhost.runtime.resource.ResourceOverrides;
import io.pluginhost.runtime.resource.ResourceScope;

import javax.sql.DataSource;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * What the database benchmarks query: a plugin's {@code notes} (1,000 rows) and {@code note_tags}
 * (two per note) behind a repository, and the same join in logical and physical form.
 */
final class NotesFixture implements AutoCloseable {

    /** The plugin's query, with logical table names. */
    static final String QUERY = "SELECT n.id, n.body, t.tag FROM notes n JOIN note_tags t ON t.note_id = n.id"
            + " WHERE n.id = ?";

    final ExecutorService parser = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "sql-parser");
        thread.setDaemon(true);
        return thread;
    });
    final EffectiveResources resources;
    final DatabaseRepository repository;
    /** {@link #QUERY} as raw JDBC runs it, on the physical tables. */
    final String physicalQuery;
    private final DatabaseRepositoryProvider provider;

    NotesFixture(String plugin, DataSource dataSource) {
        PluginDescriptor descriptor = new PluginDescriptor(plugin, "1", "", List.of(), List.of("notes", "note_tags"),
                List.of(), List.of());
        resources = EffectiveResources.of(descriptor, ResourceOverrides.NONE);
        provider = new DatabaseRepositoryProvider(dataSource, parser, DatabaseSettings.defaults());
        try {
            repository = provider.open(ResourceScope.of(plugin, resources, (what, e) -> {
                throw new IllegalStateException(what, e);
            }));
        } catch (Exception e) {
            throw new IllegalStateException("cannot open the benchmark's repository", e);
        }
        repository.executeCommand("CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY, body VARCHAR(200))");
        repository.executeCommand("CREATE TABLE IF NOT EXISTS note_tags (note_id INTEGER, tag VARCHAR(50))");
        repository.executeCommand("CREATE INDEX IF NOT EXISTS note_tags_note ON note_tags (note_id)");
        repository.executeCommand("DELETE FROM note_tags");
        repository.executeCommand("DELETE FROM notes");
        for (int i = 0; i < 1000; i++) {
            repository.executeCommand("INSERT INTO notes VALUES (?, ?)", i, "note " + i);
            repository.executeCommand("INSERT INTO note_tags VALUES (?, ?), (?, ?)", i, "a", i, "b");
        }
        physicalQuery = "SELECT n.id, n.body, t.tag FROM \"" + plugin + "_notes\" n JOIN \"" + plugin
                + "_note_tags\" t ON t.note_id = n.id WHERE n.id = ?";
    }

    @Override
    public void close() {
        provider.close();
        parser.shutdownNow();
    }
}
