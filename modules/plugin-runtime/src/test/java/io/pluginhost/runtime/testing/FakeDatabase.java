package io.pluginhost.runtime.testing;

import io.pluginhost.api.resource.DatabaseRepository;
import io.pluginhost.runtime.resource.RepositoryProvider;
import io.pluginhost.runtime.resource.ResourceScope;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A small fake of the database SPI for engine tests: a "query" is a logical table name, answered
 * with the physical name the engine's policy gives; commands are only recorded. It parses no SQL:
 * the real repository is tested against real databases in its own module.
 */
public final class FakeDatabase implements RepositoryProvider<DatabaseRepository> {

    public final List<String> opened = Collections.synchronizedList(new ArrayList<>());
    public final List<String> closed = Collections.synchronizedList(new ArrayList<>());
    public final List<String> commands = Collections.synchronizedList(new ArrayList<>());

    @Override
    public DatabaseRepository open(ResourceScope scope) {
        opened.add(scope.pluginName());
        return new Repository(scope);
    }

    private final class Repository implements DatabaseRepository, AutoCloseable {
        private final ResourceScope scope;

        Repository(ResourceScope scope) {
            this.scope = scope;
        }

        @Override
        public List<Map<String, Object>> executeQuery(String table, Object... params) {
            return List.of(Map.of("physical", scope.resources().tables().physicalName(table)));
        }

        @Override
        public int executeCommand(String sql, Object... params) {
            commands.add(scope.pluginName() + ": " + sql);
            return 0;
        }

        /**
         * The transaction handed to the work is a repository of the plugin's, but not this object: so the real
         * one's is when it was opened lazily (the repository of a plugin with no tables).
         */
        @Override
        public <T> T inTransaction(Function<DatabaseRepository, T> work) {
            return work.apply(new Repository(scope));
        }

        @Override
        public List<String> getAllowedTables() {
            return scope.resources().tables().allowed();
        }

        @Override
        public void close() {
            closed.add(scope.pluginName());
        }
    }
}
