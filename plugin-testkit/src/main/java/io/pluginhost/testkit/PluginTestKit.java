package io.pluginhost.testkit;

import io.pluginhost.api.PluginEvent;
import io.pluginhost.api.exception.PluginException;
import io.pluginhost.runtime.EngineLimits;
import io.pluginhost.runtime.HostServices;
import io.pluginhost.runtime.ModuleLayerPluginManager;
import io.pluginhost.runtime.PluginInfo;
import io.pluginhost.runtime.PluginLifecycleListener;
import io.pluginhost.runtime.PluginManager;
import io.pluginhost.resource.database.DatabaseRepositoryProvider;
import io.pluginhost.resource.database.DatabaseSettings;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * Tests a plugin in the real engine, as the host runs it: its own module layer, its dependencies
 * loaded first, a real database behind {@code context.database()} (a private in-memory H2 by
 * default, PostgreSQL from the dev services on request), Kafka and S3 from the dev services on
 * request, and every event on the bus captured.
 *
 * <pre>
 * &#64;RegisterExtension
 * static PluginTestKit kit = PluginTestKit.builder()
 *         .plugin(PluginTestKit.projectJar())       // this Maven project's target/classes, packed as a plugin jar
 *         .config("greeter", Map.of("greeting", "Hi"))
 *         .build();
 *
 * &#64;Test
 * void greets() {
 *     assertEquals("Hi, Ada!", kit.execute("greeter", "Ada"));
 *     kit.assertUnloadLeavesNoLoader();
 * }
 * </pre>
 *
 * As a JUnit 5 extension it closes itself after the class (a {@code static} field) or after each
 * test (an instance field); it is also {@link AutoCloseable} for try-with-resources. Kafka, S3 and
 * PostgreSQL need {@code io.pluginhost:dev-services} (and, for Kafka and S3, {@code resource-kafka} /
 * {@code resource-s3}) on the test class path. Run tests with
 * {@code --add-opens java.base/java.lang=ALL-UNNAMED} (the plugin parent POM sets it), as WildFly does.
 */
public final class PluginTestKit implements AutoCloseable, BeforeAllCallback, AfterAllCallback, AfterEachCallback {

    private final ModuleLayerPluginManager engine;
    /** Guards what the kit captures; notified of each event and error, for those who wait for them. */
    private final Object captures = new Object();
    /** Guarded by {@link #captures}. */
    private final List<PluginEvent> events = new ArrayList<>();
    /** Guarded by {@link #captures}. */
    private final List<PluginException> errors = new ArrayList<>();
    private final AutoCloseable subscription;
    private final List<AutoCloseable> resources;
    private boolean classLevel;
    private boolean closed;

    private PluginTestKit(Builder builder) {
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            HostServices services = HostServices.NONE;
            if (builder.database != Database.NONE) {
                ExecutorService parser = Executors.newCachedThreadPool(r -> {
                    Thread t = new Thread(r, "testkit-sql-parser");
                    t.setDaemon(true);
                    return t;
                });
                opened.add(parser::shutdownNow);
                DataSource dataSource = dataSource(builder.database);
                if (builder.database == Database.H2) {
                    opened.add(() -> {
                        try (var connection = dataSource.getConnection();
                             var statement = connection.createStatement()) {
                            statement.execute("SHUTDOWN"); // the in-memory database is the kit's alone
                        }
                    });
                }
                DatabaseRepositoryProvider database = new DatabaseRepositoryProvider(dataSource, parser,
                        DatabaseSettings.defaults());
                opened.add(database);
                services = services.withDatabase(database);
            }
            if (builder.kafka || builder.s3) {
                services = DevServicesBridge.start(services, builder.kafka, builder.s3, opened);
            }
            this.engine = new ModuleLayerPluginManager(services, EngineLimits.defaults());
            this.subscription = engine.subscribe("**", event -> captured(events, event));
            engine.addLifecycleListener(new PluginLifecycleListener() {
                @Override
                public void pluginFailed(String pluginName, Path source, PluginException error) {
                    captured(errors, error);
                }
            });
            builder.config.forEach(engine::setConfig);
            for (Path jar : builder.plugins) {
                engine.load(jar);
            }
            this.resources = List.copyOf(opened);
        } catch (RuntimeException | Error e) {
            closeAll(opened);
            throw e;
        }
    }

    /** @return a builder: add plugins (dependencies first), settings and services, then {@code build()} */
    public static Builder builder() {
        return new Builder();
    }

    // ---------------------------------------------------------------- what tests do

    /** @return the engine, for anything this class does not wrap */
    public PluginManager engine() {
        return engine;
    }

    /** Calls a plugin's {@code execute}, as {@code POST /api/plugins/{name}/execute} does. */
    public Object execute(String plugin, Object input) {
        return engine.execute(plugin, input);
    }

    /**
     * Emits an event from the host to every matching listener.
     *
     * @return how many of the plugins' listeners received it (the kit's own capture of every event not counted)
     */
    public int publish(String event, Object data) {
        return engine.publish(event, data) - 1;
    }

    /** @return every event emitted on the bus since the kit started (or {@link #clearEvents()}), in order */
    public List<PluginEvent> events() {
        synchronized (captures) {
            return List.copyOf(events);
        }
    }

    /** @return the events of that name, in order */
    public List<PluginEvent> events(String name) {
        synchronized (captures) {
            return events.stream().filter(e -> e.name().equals(name)).toList();
        }
    }

    /** @return the captured event of that name, if one was emitted */
    public Optional<PluginEvent> lastEvent(String name) {
        List<PluginEvent> named = events(name);
        return named.isEmpty() ? Optional.empty() : Optional.of(named.get(named.size() - 1));
    }

    /** Forgets the captured events. */
    public void clearEvents() {
        synchronized (captures) {
            events.clear();
        }
    }

    /**
     * Waits until an event of that name has been emitted (since the kit started or {@link #clearEvents()}),
     * as a plugin's scheduled task or a listener on another thread does; no sleeping in the test.
     *
     * @return the first such event
     * @throws AssertionError if none came in {@code timeout}, naming the events that did and the plugins' errors
     */
    public PluginEvent awaitEvent(String name, Duration timeout) {
        return awaitEvents(name, 1, timeout).get(0);
    }

    /**
     * Waits until {@code count} events of that name have been emitted.
     *
     * @return the first {@code count} of them, in order
     * @throws AssertionError if fewer came in {@code timeout}, naming the events that did and the plugins' errors
     */
    public List<PluginEvent> awaitEvents(String name, int count, Duration timeout) {
        List<PluginEvent> named = await(timeout, () -> events(name), count);
        if (named.size() < count) {
            throw new AssertionError("waited " + timeout.toMillis() + " ms for " + count + " event(s) '" + name
                    + "', " + named.size() + " came; events captured: " + events().stream().map(PluginEvent::name)
                    .toList() + "; plugin errors: " + messages(errors()));
        }
        return named.subList(0, count);
    }

    /**
     * @return every error the engine reported for a plugin since the kit started (or {@link #clearErrors()}),
     *         in order: a listener, scheduled task, record handler or extension that threw, and a failed load
     */
    public List<PluginException> errors() {
        synchronized (captures) {
            return List.copyOf(errors);
        }
    }

    /** Forgets the captured errors. */
    public void clearErrors() {
        synchronized (captures) {
            errors.clear();
        }
    }

    /**
     * Waits until the engine has reported {@code count} plugin errors, as a scheduled task that throws does.
     *
     * @return the first {@code count} of them, in order
     * @throws AssertionError if fewer came in {@code timeout}
     */
    public List<PluginException> awaitErrors(int count, Duration timeout) {
        List<PluginException> reported = await(timeout, this::errors, count);
        if (reported.size() < count) {
            throw new AssertionError("waited " + timeout.toMillis() + " ms for " + count + " plugin error(s), "
                    + reported.size() + " came: " + messages(reported));
        }
        return reported.subList(0, count);
    }

    /**
     * Asserts that no plugin code failed where no caller saw it: a listener, scheduled task, record handler
     * or extension that threw only reaches the engine's log and this list, so a test that only checks what
     * a plugin returned would pass without it.
     *
     * @throws AssertionError naming each error
     */
    public void assertNoErrors() {
        List<PluginException> reported = errors();
        if (!reported.isEmpty()) {
            AssertionError failure = new AssertionError(reported.size() + " plugin error(s): " + messages(reported));
            reported.forEach(failure::addSuppressed);
            throw failure;
        }
    }

    /** Adds to a captured list and wakes whoever waits for it. */
    private <T> void captured(List<T> list, T item) {
        synchronized (captures) {
            list.add(item);
            captures.notifyAll();
        }
    }

    /** Waits on the captured lists until {@code read} has {@code count} items or the time is up. */
    private <T> List<T> await(Duration timeout, java.util.function.Supplier<List<T>> read, int count) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (captures) {
            List<T> now = read.get();
            long left = deadline - System.nanoTime();
            while (now.size() < count && left > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(captures, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted while waiting", e);
                }
                now = read.get();
                left = deadline - System.nanoTime();
            }
            return now;
        }
    }

    private static List<String> messages(List<PluginException> errors) {
        return errors.stream().map(Throwable::getMessage).toList();
    }

    /** Loads one more plugin jar. */
    public PluginInfo load(Path jar) {
        return engine.load(jar);
    }

    /**
     * Unloads every plugin and asserts that every one of their class loaders is garbage collected
     * within about ten seconds; the failure names each loader left and what the engine suspects holds it.
     *
     * @throws AssertionError if a loader stays
     */
    public void assertUnloadLeavesNoLoader() {
        engine.unloadAll();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!engine.unloadedButNotCollected().isEmpty() && System.nanoTime() < deadline) {
            System.gc();
            List<byte[]> pressure = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                pressure.add(new byte[256 * 1024]);
            }
            pressure.clear();
            try {
                TimeUnit.MILLISECONDS.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        List<String> left = engine.unloadedButNotCollected();
        if (!left.isEmpty()) {
            throw new AssertionError("class loaders not collected after unload: " + left + "; suspects: "
                    + engine.leakSuspects());
        }
    }

    // ---------------------------------------------------------------- the plugin under test

    /**
     * Packs this Maven project's {@code target/classes} (with the private libraries the plugin parent
     * POM copies to {@code target/classes/lib}) into a plugin jar, as {@code mvn package} would.
     *
     * @return the jar, in a temporary folder, deleted when the JVM exits
     */
    public static Path projectJar() {
        return jarOf(Path.of("target", "classes"));
    }

    /**
     * @param classes a folder of compiled classes with a {@code module-info.class}
     * @return a plugin jar of it, in a temporary folder, deleted when the JVM exits
     */
    public static Path jarOf(Path classes) {
        if (!Files.isRegularFile(classes.resolve("module-info.class"))) {
            throw new IllegalArgumentException(classes.toAbsolutePath() + " has no module-info.class: compile the"
                    + " plugin first (mvn test compiles it), and make it a named module");
        }
        try {
            Path folder = Files.createTempDirectory("plugin-under-test-");
            Path jar = folder.resolve("plugin-" + UUID.randomUUID() + ".jar");
            // A suite packs one at every run; the engine holds no jar open. Registered first, deleted last.
            folder.toFile().deleteOnExit();
            jar.toFile().deleteOnExit();
            try (OutputStream out = Files.newOutputStream(jar); JarOutputStream zip = new JarOutputStream(out);
                 Stream<Path> files = Files.walk(classes)) {
                for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                    zip.putNextEntry(new JarEntry(classes.relativize(file).toString().replace('\\', '/')));
                    Files.copy(file, zip);
                    zip.closeEntry();
                }
            }
            return jar;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param anyClass a class of a plugin jar on the test class path (a dependency plugin, say)
     * @return that jar
     */
    public static Path jarOf(Class<?> anyClass) {
        try {
            return Path.of(anyClass.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException | NullPointerException e) {
            throw new IllegalArgumentException("cannot tell which jar " + anyClass + " comes from", e);
        }
    }

    // ---------------------------------------------------------------- lifecycle

    @Override
    public void beforeAll(ExtensionContext context) {
        classLevel = true; // only a static field's extension gets class-level callbacks
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (!classLevel) {
            close();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    /** Unloads every plugin and stops what the kit started. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            subscription.close();
        } catch (Exception e) {
            // the engine closes next anyway
        }
        engine.close();
        List<AutoCloseable> reversed = new ArrayList<>(resources);
        java.util.Collections.reverse(reversed);
        closeAll(reversed);
    }

    private static void closeAll(List<AutoCloseable> closeables) {
        for (AutoCloseable closeable : closeables) {
            try {
                closeable.close();
            } catch (Exception e) {
                System.err.println("plugin test kit: closing " + closeable + ": " + e);
            }
        }
    }

    private DataSource dataSource(Database database) {
        if (database == Database.POSTGRES) {
            return DevServicesBridge.postgres();
        }
        JdbcDataSource h2 = new JdbcDataSource();
        // Lower-case names, so a plugin sees the column labels it sees on PostgreSQL.
        h2.setURL("jdbc:h2:mem:testkit-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1;DATABASE_TO_LOWER=TRUE");
        h2.setUser("sa");
        return h2;
    }

    /** Which database plugins get. */
    public enum Database {
        /** A private in-memory H2 with PostgreSQL's lower-case names, gone when the kit closes (the default). */
        H2,
        /** The dev services' embedded PostgreSQL (needs {@code io.pluginhost:dev-services}). */
        POSTGRES,
        /** None: {@code context.database()} is empty. */
        NONE
    }

    /** What the kit starts with. */
    public static final class Builder {
        private final List<Path> plugins = new ArrayList<>();
        private final Map<String, Map<String, String>> config = new LinkedHashMap<>();
        private Database database = Database.H2;
        private boolean kafka;
        private boolean s3;

        private Builder() {
        }

        /** Loads a plugin jar at start, after those added before it: add dependencies first. */
        public Builder plugin(Path jar) {
            plugins.add(jar);
            return this;
        }

        /** Gives a plugin settings ({@code context.config()}) before it loads. */
        public Builder config(String plugin, Map<String, String> settings) {
            config.put(plugin, Map.copyOf(settings));
            return this;
        }

        /** Chooses the database (H2 by default). */
        public Builder database(Database choice) {
            database = choice;
            return this;
        }

        /** Starts a Kafka broker from the dev services for {@code context.kafka()}. */
        public Builder withKafka() {
            kafka = true;
            return this;
        }

        /** Starts an S3 server from the dev services for {@code context.s3()}. */
        public Builder withS3() {
            s3 = true;
            return this;
        }

        /** @return the kit, with its plugins loaded */
        public PluginTestKit build() {
            return new PluginTestKit(this);
        }
    }
}
