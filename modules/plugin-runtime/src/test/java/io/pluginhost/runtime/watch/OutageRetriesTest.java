package io.pluginhost.runtime.watch;

import io.pluginhost.api.exception.PluginException;
import io.pluginhost.runtime.EngineLimits;
import io.pluginhost.runtime.HostServices;
import io.pluginhost.runtime.ModuleLayerPluginManager;
import io.pluginhost.runtime.PluginInfo;
import io.pluginhost.runtime.PluginState;
import io.pluginhost.runtime.testing.FakeDatabase;
import io.pluginhost.runtime.testing.PluginJarBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Plugins that failed to load while a service they use could not be reached are loaded again once it
 * answers, with the dependents that failed with them; nothing else is loaded again. The passes run
 * when the test says (a timer that only queues them): no sleeps, no timing.
 */
class OutageRetriesTest {

    @TempDir
    Path dir;

    private Path plugins;
    /** Whether the database refuses to open plugins' repositories. */
    private final AtomicBoolean down = new AtomicBoolean(true);
    /** Whether the database answers the host's checks; follows {@link #down} unless a test sets it. */
    private final AtomicBoolean answering = new AtomicBoolean(false);
    private final AtomicInteger opens = new AtomicInteger();
    private final FakeDatabase database = new FakeDatabase();
    private final ModuleLayerPluginManager engine = new ModuleLayerPluginManager(HostServices.NONE.withDatabase(
            scope -> {
                if (scope.resources().tables().allowed().isEmpty()) {
                    return database.open(scope); // as the real provider: opened at the first statement
                }
                opens.incrementAndGet();
                if (down.get()) {
                    throw new SQLException("Connection to 127.0.0.1:5432 refused", "08001");
                }
                return database.open(scope);
            }), EngineLimits.defaults());
    /** The passes the retries asked for, with their delays, run by the test. */
    private final Deque<Runnable> due = new ArrayDeque<>();
    private final Deque<Duration> delays = new ArrayDeque<>();
    private final Set<String> leftOut = new CopyOnWriteArraySet<>();
    private OutageRetries retries;

    @BeforeEach
    void start() throws Exception {
        plugins = Files.createDirectories(dir.resolve("plugins"));
        OutageRetries.Services services = plugin -> !answering.get() && !plugin.allowedTables().isEmpty()
                ? Map.of("database", "Connection to 127.0.0.1:5432 refused") : Map.of();
        retries = new OutageRetries(engine, services, Duration.ofSeconds(30), (delay, pass) -> {
            delays.add(delay);
            due.add(pass);
        }, () -> leftOut, new Object());
        engine.addLifecycleListener(retries);
    }

    @AfterEach
    void stop() {
        retries.close();
        engine.close();
    }

    private void runDuePass() {
        assertThat(due).as("a pass is due").isNotEmpty();
        due.poll().run();
    }

    /** @return LOADED, FAILED (it was loaded before), or null: not known to the engine (it never loaded) */
    private PluginState state(String plugin) {
        return engine.find(plugin).map(PluginInfo::state).orElse(null);
    }

    @Test
    void aPluginThatFailedWhileItsDatabaseWasDownLoadsOnceItAnswersAndSoDoItsDependents() {
        PluginJarBuilder.plugin("notes").tables("notes").build(plugins);
        PluginJarBuilder.plugin("reports").dependsOn("notes").build(plugins);
        PluginJarBuilder.plugin("plain").build(plugins);

        engine.loadDirectory(plugins);

        assertThat(state("notes")).isNull();
        assertThat(state("reports")).isNull();
        assertThat(state("plain")).isEqualTo(PluginState.LOADED);
        assertThat(delays).as("a failure is looked at at once").containsExactly(Duration.ZERO);

        runDuePass(); // the database is down: notes waits, the next look is a period away
        assertThat(delays).containsExactly(Duration.ZERO, Duration.ofSeconds(30));
        runDuePass(); // still down: not even tried
        assertThat(opens).hasValue(1);
        assertThat(state("notes")).isNull();

        down.set(false);
        answering.set(true);
        runDuePass();

        assertThat(state("notes")).isEqualTo(PluginState.LOADED);
        assertThat(state("reports")).isEqualTo(PluginState.LOADED);
        assertThat(due).as("nothing waits any more").isEmpty();
    }

    @Test
    void aPluginThatFailsWithItsServicesUpIsNotLoadedAgain() {
        down.set(false);
        answering.set(true);
        PluginJarBuilder.plugin("broken").tables("notes").body("""
                public void initialize(PluginContext context) { throw new IllegalStateException("a bug"); }""")
                .build(plugins);

        engine.loadDirectory(plugins);
        runDuePass();

        assertThat(state("broken")).isNull();
        assertThat(opens).as("one load, no retry").hasValue(1);
        assertThat(due).isEmpty();
    }

    @Test
    void aPluginTheOperatorLoadedOrLeftOutMeanwhileIsLeftAlone() {
        Path notes = PluginJarBuilder.plugin("notes").tables("notes").build(plugins);
        PluginJarBuilder.plugin("files").tables("files").build(plugins);
        engine.loadDirectory(plugins);
        runDuePass();
        assertThat(state("notes")).isNull();
        assertThat(state("files")).isNull();

        down.set(false);
        answering.set(true);
        engine.load(notes); // the operator was quicker
        leftOut.add("files"); // and unloaded this one for good
        runDuePass();

        assertThat(state("notes")).isEqualTo(PluginState.LOADED);
        assertThat(state("files")).isNull();
        assertThat(opens).as("two failed loads, the operator's, no retry").hasValue(3);
        assertThat(due).isEmpty();
    }

    @Test
    void aRetryThatFailsAgainBecauseTheServiceWentDownAgainWaitsAgain() {
        PluginJarBuilder.plugin("notes").tables("notes").build(plugins);
        engine.loadDirectory(plugins);
        runDuePass();

        // The check says the database answers, but it is gone again by the time the plugin loads.
        answering.set(true);
        runDuePass();
        assertThat(state("notes")).isNull();
        assertThat(opens).hasValue(2);
        answering.set(false);
        runDuePass(); // the failed retry is looked at at once: down again, so it waits again

        down.set(false);
        answering.set(true);
        runDuePass();
        assertThat(state("notes")).isEqualTo(PluginState.LOADED);
        assertThat(due).isEmpty();
    }

    @Test
    void aRetryThatFailsWithTheServiceAnsweringIsNotTriedAgain() {
        PluginJarBuilder.plugin("notes").tables("notes").build(plugins);
        engine.loadDirectory(plugins);
        runDuePass();

        answering.set(true); // answers the checks, still refuses the plugin (say, its role)
        runDuePass();
        runDuePass();

        assertThat(state("notes")).isNull();
        assertThat(opens).as("the load and one retry").hasValue(2);
        assertThat(due).isEmpty();
    }

    @Test
    void aPluginWhoseReloadFailedDuringAnOutageIsLoadedAgainOnceItEnds() {
        down.set(false);
        answering.set(true);
        Path notes = PluginJarBuilder.plugin("notes").tables("notes").build(plugins);
        engine.load(notes);
        down.set(true);
        answering.set(false);

        assertThatThrownBy(() -> engine.reload("notes")).isInstanceOf(PluginException.class);
        assertThat(state("notes")).isEqualTo(PluginState.FAILED);
        runDuePass();
        assertThat(retries.waiting()).containsOnlyKeys("notes");

        down.set(false);
        answering.set(true);
        runDuePass();

        assertThat(state("notes")).isEqualTo(PluginState.LOADED);
        assertThat(retries.waiting()).isEmpty();
    }
}
