package io.pluginhost.host;

import io.pluginhost.observability.HealthSource;
import io.pluginhost.observability.HostHealth;
import io.pluginhost.observability.MicrometerExport;
import io.pluginhost.resource.database.HostDocuments;
import io.pluginhost.resource.kafka.KafkaConnection;
import io.pluginhost.resource.kafka.KafkaRepositoryProvider;
import io.pluginhost.resource.kafka.SaslLogin;
import io.pluginhost.resource.s3.S3Connection;
import io.pluginhost.resource.s3.S3RepositoryProvider;
import io.pluginhost.runtime.DirectoryLoadResult;
import io.pluginhost.runtime.HostServices;
import io.pluginhost.leaks.LoaderLeakAnalyzer;
import io.pluginhost.runtime.EngineLimits;
import io.pluginhost.runtime.ModuleLayerPluginManager;
import io.pluginhost.runtime.PluginInfo;
import io.pluginhost.runtime.PluginLifecycleListener;
import io.pluginhost.runtime.UpgradeResult;
import io.pluginhost.runtime.PluginState;
import io.pluginhost.runtime.PluginManager;
import io.pluginhost.runtime.resource.ResourceOverrides;
import io.pluginhost.api.PluginDescriptor;
import io.pluginhost.runtime.watch.OutageRetries;
import io.pluginhost.runtime.watch.PluginDirectoryWatcher;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSDestinationDefinition;
import jakarta.jms.Topic;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import org.eclipse.microprofile.config.Config;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * The plugin host inside WildFly: owns the engine for the lifetime of the deployment. At start-up
 * it wires the container's services into the engine and loads the plugin directory in dependency
 * order (a bad plugin is reported and skipped); on shutdown or undeploy it unloads everything,
 * dependents first, so no plugin class loader outlives the deployment. Lifecycle changes and every
 * event on the plugins' bus are fired as CDI events ({@link PluginLifecycleEvent},
 * {@link PluginBusEvent}). While WildFly is suspended the plugins' background work is too
 * ({@link ServerSuspension}, {@link ServerSuspendEvent}).
 *
 * <p>Concurrency is the engine's own (it serializes lifecycle operations and lets calls run in
 * parallel), so the bean uses bean-managed concurrency rather than the container's lock.
 *
 * <p>No method runs in a JTA transaction, as nothing on the host's own threads does (hot deploy, retries,
 * timers): what the host writes to the operator state nodes share must commit at once, not when a REST
 * call or the start ends (a connection of a JTA data source refuses the auto-commit the host sets,
 * {@code IJ031017}), and a start that loads many plugins would outlive the transaction's timeout.
 *
 * <p>Configuration is MicroProfile Config ({@code pluginhost.*}; system property &gt; environment
 * variable &gt; file). The keys and their defaults are listed once, in the README's configuration
 * table; they are read here ({@link #engineLimits}, Kafka, S3, leaks), in
 * {@link PluginDatabases#settings} and in {@link ConfiguredOverrides}.
 */
@Singleton
@Startup
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
@JMSDestinationDefinition(name = PluginHost.EVENTS_TOPIC, interfaceName = "jakarta.jms.Topic",
        destinationName = "pluginhostEvents")
public class PluginHost {

    /** The topic plugin bus events cross nodes on; defined by the application itself. */
    public static final String EVENTS_TOPIC = "java:global/jms/pluginhost/PluginEvents";
    /** The largest JSON body the admin API takes, on any endpoint, in bytes. */
    public static final long MAX_JSON_BYTES = 1L << 20;

    private static final Logger LOG = Logger.getLogger(PluginHost.class.getName());
    /** Set while an event from another node is being delivered, so it is not sent out again. */
    private static final ThreadLocal<Boolean> FROM_OTHER_NODE = new ThreadLocal<>();
    /** The name {@link #stagedPath} gives a jar on its way in: the operator knows it by the jar's own name. */
    private static final Pattern STAGED_UPLOAD = Pattern.compile(
            "\\.([\\w.-]+\\.jar)\\.uploading-[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}");

    @Resource(lookup = "java:/ConnectionFactory")
    ConnectionFactory jmsConnections;

    @Resource(lookup = EVENTS_TOPIC)
    Topic eventsTopic;

    @Inject
    Config config;

    @Inject
    Event<PluginLifecycleEvent> lifecycle;

    @Inject
    Event<PluginBusEvent> busEvents;

    @Inject
    Event<ServerSuspendEvent> suspendEvents;

    @Inject
    HostHealth health;

    @Inject
    MicrometerExport meters;

    @Resource
    ManagedThreadFactory threads;

    /** Asked whether the server runs where its management model cannot be read; see {@link ServerSuspension}. */
    @Resource
    ManagedExecutorService managedExecutor;

    private ModuleLayerPluginManager engine;
    private final Jsonb json = JsonbBuilder.create();
    private final PluginObjectJson pluginObjects = new PluginObjectJson();
    private String nodeId;
    private JmsEventBridge bridge;
    private HostEventRelay relay;
    private RemoteEventDelivery remoteEvents;
    /**
     * Held while a jar of the plugin directory is put or deleted over REST: each checks what is loaded,
     * then moves files, and two of them interleaved (uploads of one name racing) could load one
     * upload's jar and then delete it in the other's roll-back, losing the loaded plugin's file.
     */
    private final Object jarFiles = new Object();
    private final SharedRun<Map<String, String>> leakVerdicts = new SharedRun<>(this::analyseLeaks);
    private PluginDatabases databases;
    private AutoCloseable busSubscription;
    private KafkaRepositoryProvider kafka;
    private S3RepositoryProvider s3;
    private Path pluginDirectory;
    private OperatorState state;
    private PluginDirectoryWatcher watcher;
    private OutageRetries retries;
    private ScheduledExecutorService retryTimer;
    /** Reads the operator state other nodes change, where it is shared; see {@link #followSharedState}. */
    private ScheduledExecutorService stateTimer;
    /** Whether the shared operator state could not be read at the last look: logged once per outage. */
    /** Where the operator state is shared (a data source's JNDI name), or null where it is kept in a file. */
    private String sharedStateSource;
    /** Why the shared operator state did not answer at the last look, or null if it did. */
    private volatile String sharedStateProblem;
    /** Whether this node's report could not be written at the last look: logged once per failure. */
    private boolean reportFailing;
    /**
     * Jars other nodes uploaded that this node could not fetch or write (the database did not answer, or held
     * other bytes), by file name: tried again at each look while the shared state names them so. Guarded by
     * {@link #operatorChanges}.
     */
    private final Map<String, String> jarsNotWritten = new TreeMap<>();
    /**
     * Held by each change an operator makes, from the engine's change to the state kept, and while this node
     * follows another node's changes: so a change of one plugin on two nodes at once leaves every node's
     * engine as the shared state says.
     */
    private final ReentrantLock operatorChanges = new ReentrantLock();
    /** What each node sharing the operator state runs, this one's included; null if the state is not shared. */
    private NodeReports reports;
    /** Where the nodes keep what they share, by the data source's JNDI name; a test's own outside a container. */
    Function<String, HostDocuments> sharedDocuments = PluginDatabases::documents;
    /** Runs the SQL guard's parses; see {@link #startSqlParser()}. */
    private ThreadPoolExecutor sqlParser;
    private final PluginCounters counters = new PluginCounters();
    private FailedLoads failedLoads;
    private ServerSuspension suspension;
    /** The plugins' background work as requests of the server; null outside WildFly. */
    private BackgroundRequests backgroundRequests;

    @PostConstruct
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    void start() {
        try {
            startServing();
        } catch (RuntimeException | Error e) {
            // The deployment fails: stop what the start set going, or the plugins it loaded keep running
            // (their tasks, their Kafka consumers) and its threads keep the EAR's class loader.
            try {
                stop();
            } catch (RuntimeException | Error suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private void startServing() {
        // A key the host does not read leaves a setting at its default: say so rather than nothing.
        ConfigKeys.unread(ConfigKeys.names(config), KafkaConnection.clientSettingNames()).forEach(LOG::warning);
        // So does a listener that refuses, with a bare 400 before the host sees it, bodies the host accepts.
        ListenerLimits.warnings(uploadLimitBytes(), ManagementFactory.getPlatformMBeanServer()).forEach(LOG::warning);
        pluginDirectory = config.getOptionalValue("pluginhost.plugin-dir", String.class)
                .map(Path::of)
                .orElseGet(() -> Path.of(System.getProperty("jboss.server.data.dir", "."), "plugins"))
                .toAbsolutePath().normalize();
        nodeId = config.getOptionalValue("pluginhost.node-id", String.class)
                .orElseGet(() -> System.getProperty("jboss.node.name", "node") + "-" + UUID.randomUUID());
        HostServices services = HostServices.NONE;
        if (managedExecutor != null) { // a suspend waits for the plugins' background work, as for requests
            backgroundRequests = new BackgroundRequests(managedExecutor, this::heardRefusal);
            services = services.withBackgroundWork(backgroundRequests);
        }
        if (config.getOptionalValue("pluginhost.database.enabled", Boolean.class).orElse(true)) {
            sqlParser = startSqlParser();
            databases = new PluginDatabases(config, sqlParser, PluginDatabases.settings(config));
            services = services.withDatabase(databases).withTaskLeases(databases.taskLeases(nodeId));
        }
        Optional<String> kafkaServers = config.getOptionalValue("pluginhost.kafka.bootstrap-servers", String.class);
        if (kafkaServers.isPresent()) {
            kafka = new KafkaRepositoryProvider(kafkaConnection(config, kafkaServers.get()), threads);
            services = services.withKafka(kafka);
        }
        Optional<String> s3AccessKey = config.getOptionalValue("pluginhost.s3.access-key", String.class);
        // Keys switch S3 on; on AWS, where the host's role gives the credentials, pluginhost.s3.enabled does.
        if (config.getOptionalValue("pluginhost.s3.enabled", Boolean.class).orElse(s3AccessKey.isPresent())) {
            Optional<URI> s3Endpoint = config.getOptionalValue("pluginhost.s3.endpoint", String.class).map(URI::create);
            s3 = new S3RepositoryProvider(new S3Connection(s3Endpoint,
                    config.getOptionalValue("pluginhost.s3.region", String.class)
                            .orElseGet(() -> S3Connection.defaultRegion(s3Endpoint)),
                    s3AccessKey.orElse(null),
                    config.getOptionalValue("pluginhost.s3.secret-key", String.class).orElse(null),
                    config.getOptionalValue("pluginhost.s3.path-style", Boolean.class).orElse(true),
                    config.getOptionalValue("pluginhost.s3.create-buckets", Boolean.class).orElse(true),
                    config.getOptionalValue("pluginhost.s3.call-timeout", Duration.class)
                            .orElse(S3Connection.DEFAULT_CALL_TIMEOUT),
                    config.getOptionalValue("pluginhost.s3.attempt-timeout", Duration.class)
                            .orElse(S3Connection.DEFAULT_ATTEMPT_TIMEOUT),
                    config.getOptionalValue("pluginhost.s3.max-download-bytes", Long.class)
                            .orElse(S3Connection.DEFAULT_MAX_DOWNLOAD_BYTES),
                    config.getOptionalValue("pluginhost.s3.max-list-objects", Integer.class)
                            .orElse(S3Connection.DEFAULT_MAX_LIST_OBJECTS),
                    config.getOptionalValue("pluginhost.s3.upload-part-bytes", Long.class)
                            .orElse(S3Connection.DEFAULT_UPLOAD_PART_BYTES)));
            services = services.withS3(s3);
        }
        // Not /tmp, which systemd-tmpfiles empties of what was not touched for ten days on many distributions.
        engine = new ModuleLayerPluginManager(services, engineLimits(config), serverTempDirectory());
        ModuleLayerPluginManager started = engine;
        engine.setMetrics(new BothMetrics(counters, meters.start(() -> started.unloadedButNotCollected().size())));
        relay = new HostEventRelay(threads, pluginObjects, config.getOptionalValue(
                "pluginhost.events.max-payload-chars", Integer.class).orElse(1 << 20));
        failedLoads = new FailedLoads(engine::find);
        engine.addLifecycleListener(failedLoads); // first: a client told of a failure finds it in GET /jars
        engine.addLifecycleListener(new CdiLifecycleBridge(lifecycle, relay));
        bridge = new JmsEventBridge(nodeId, jmsConnections, eventsTopic, json, threads);
        remoteEvents = new RemoteEventDelivery(threads, config.getOptionalValue(
                "pluginhost.events.remote-delivery-timeout", Duration.class).orElse(Duration.ofSeconds(30)),
                this::publishFromOtherNode, System::nanoTime);
        busSubscription = engine.subscribe("**", event -> {
            // On the emitting (plugin) thread: copy, then hand off; see HostEventRelay.
            Optional<HostEventRelay.Copy> copied = relay.copy(event.data());
            if (copied.isEmpty()) {
                relay.notPassedOn(event.source(), event.name());
                return;
            }
            HostEventRelay.Copy data = copied.get();
            boolean fromOtherNode = FROM_OTHER_NODE.get() != null;
            relay.relay(() -> {
                busEvents.fire(new PluginBusEvent(event.name(), data.value(), event.source()));
                if (!fromOtherNode) {
                    bridge.publish(event.name(), data.value(), event.source());
                }
            }, data.chars());
        });
        // Stored before anything loads, so the first load already uses them; what the operator set over
        // REST (kept in the state file) wins over MicroProfile Config.
        ConfiguredOverrides.read(config).forEach(engine::setOverrides);
        ConfiguredOverrides.settings(config).forEach(engine::setConfig);
        Path stateFile = config.getOptionalValue("pluginhost.state-file", String.class).map(Path::of)
                .orElseGet(() -> pluginDirectory.resolve(".pluginhost-state.json"));
        Optional<String> sharedState = config.getOptionalValue("pluginhost.shared-state.datasource", String.class);
        if (sharedState.isPresent()) {
            sharedStateSource = sharedState.get();
            HostDocuments documents = sharedDocuments.apply(sharedState.get());
            state = OperatorState.shared(documents, stateFile, json);
            reports = new NodeReports(documents, nodeId, json, Instant::now, this::withoutServerPaths);
        } else {
            state = OperatorState.load(stateFile, json);
        }
        state.applyTo(engine);
        // Before any plugin loads: in a server that boots (suspended until it has started) or was suspended,
        // the tasks the plugins schedule in initialize wait for the resume.
        suspension = new ServerSuspension(ServerSuspension.runningIn(ManagementFactory.getPlatformMBeanServer(),
                managedExecutor), ServerSuspension.POLL, threads, this::serverRuns);
        suspension.start();
        engine.addLifecycleListener(new PluginLifecycleListener() {
            @Override
            public void pluginLoaded(PluginInfo plugin) {
                // However it got loaded (REST, hot deploy of a new jar), a plugin that runs is not held unloaded.
                state.clearUnload(plugin.name());
            }

            @Override
            public void pluginUnloaded(PluginDescriptor plugin) {
                pluginObjects.forgetPluginClasses(); // or JSON-B's models of its classes keep its loader
                relay.forget(plugin.name());
            }
        });
        if (config.getOptionalValue("pluginhost.load-retry.enabled", Boolean.class).orElse(true)) {
            startOutageRetries(config.getOptionalValue("pluginhost.load-retry.period", Duration.class)
                    .orElse(Duration.ofSeconds(30)));
        }
        writeSharedJars();
        if (Files.isDirectory(pluginDirectory)) {
            DirectoryLoadResult result = engine.loadDirectory(pluginDirectory, state.unloaded());
            if (!state.unloaded().isEmpty()) {
                LOG.info(() -> "not loading " + state.unloaded() + ": unloaded by an operator before the restart");
            }
            LOG.info(() -> "loaded " + result.loaded().size() + " plugin(s) from " + pluginDirectory + "; "
                    + result.failed().size() + " failed");
            result.failed().forEach((jar, error) -> LOG.warning(jar + ": " + error.getMessage()));
        } else {
            LOG.info(() -> "plugin directory " + pluginDirectory + " does not exist; no plugin loaded at start-up");
        }
        if (sharedState.isPresent()) {
            Duration poll = config.getOptionalValue("pluginhost.shared-state.poll", Duration.class)
                    .orElse(Duration.ofSeconds(2));
            stateTimer = Executors.newSingleThreadScheduledExecutor(threads);
            stateTimer.scheduleWithFixedDelay(this::followSharedState, poll.toNanos(), poll.toNanos(),
                    TimeUnit.NANOSECONDS);
            LOG.info(() -> "the operator state is shared with the nodes on " + sharedState.get() + "; read every "
                    + poll);
        }
        if (config.getOptionalValue("pluginhost.hot-deploy.enabled", Boolean.class).orElse(false)) {
            try {
                watcher = new PluginDirectoryWatcher(engine, pluginDirectory, Duration.ofMillis(
                        config.getOptionalValue("pluginhost.hot-deploy.quiet-ms", Long.class).orElse(500L)),
                        config.getOptionalValue("pluginhost.hot-deploy.rescan", Duration.class)
                                .orElse(PluginDirectoryWatcher.DEFAULT_RESCAN),
                        config.getOptionalValue("pluginhost.hot-deploy.cascade", Boolean.class).orElse(true), threads);
                LOG.info(() -> "hot deploy: watching " + pluginDirectory);
            } catch (IOException e) {
                LOG.log(Level.WARNING, "hot deploy is on, but the plugin directory cannot be watched", e);
            }
        }
        health.attach(new HealthSource() {
            @Override
            public PluginManager plugins() {
                return engine;
            }

            @Override
            public String nodeId() {
                return nodeId;
            }

            @Override
            public Map<String, String> serviceProblems() {
                return PluginHost.this.serviceProblems();
            }

            @Override
            public Map<String, String> firstLoadFailures() {
                return failedLoads.firstLoadFailures(name -> engine.find(name).isPresent(), state.unloaded());
            }

            @Override
            public String withoutServerPaths(String message) {
                return PluginHost.this.withoutServerPaths(message);
            }
        });
    }

    /**
     * Makes this node's engine follow what operators changed on other nodes since the last look, in the
     * operator state the nodes share ({@link OtherNodesChanges}).
     */
    void followSharedState() {
        operatorChanges.lock();
        try {
            OperatorState.Changes changes;
            try {
                changes = state.pull();
            } catch (OperatorStateNotSavedException e) {
                if (sharedStateProblem == null) {
                    LOG.warning(e.getMessage());
                }
                sharedStateProblem = e.getMessage();
                return;
            }
            if (sharedStateProblem != null) {
                LOG.info("the operator state the nodes share answers again");
                sharedStateProblem = null;
            }
            new OtherNodesChanges(engine, pluginDirectory, new OtherNodesChanges.Jars() {
                @Override
                public Optional<Path> uploaded(String file, String sha256) {
                    return followUpload(file, sha256);
                }

                @Override
                public void deleted(String file) {
                    followDelete(file);
                }
            }).follow(changes);
            writeJarsNotWritten();
            try {
                reports.report(engine.list(), state.followed());
                if (reportFailing) {
                    LOG.info("this node's report is written again");
                    reportFailing = false;
                }
            } catch (Exception e) {
                if (!reportFailing) {
                    LOG.warning("cannot write this node's report to " + reports + " (" + e.getMessage() + ")");
                    reportFailing = true;
                }
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "following the operator state the nodes share", e);
        } finally {
            operatorChanges.unlock();
        }
    }

    /** Suspends or resumes the plugins' background work as the server does, and tells the other beans. */
    private void serverRuns(boolean running) {
        ModuleLayerPluginManager current = engine;
        if (current == null) {
            return;
        }
        if (running) {
            current.resume();
        } else {
            current.suspend();
        }
        suspendEvents.fire(new ServerSuspendEvent(!running));
    }

    /**
     * The managed executor refused the plugins' background work: the server has begun to suspend (or sheds
     * load), which the state, read now, says before the next poll does.
     */
    private void heardRefusal() {
        ServerSuspension current = suspension;
        if (current != null) {
            current.check();
        }
    }

    /**
     * @return whether WildFly is running, read now: not while it suspends or is suspended, nor until it
     *         has started
     */
    public boolean serverRunning() {
        return suspension == null || suspension.running();
    }

    /**
     * Loads again, once its services answer, each plugin that failed to load while one of them did not (see
     * {@link OutageRetries}); looks run on a thread of their own, so a service that hangs holds up no load.
     */
    private void startOutageRetries(Duration period) {
        retryTimer = Executors.newSingleThreadScheduledExecutor(threads);
        retries = new OutageRetries(engine, this::outageOf, period,
                (delay, look) -> retryTimer.schedule(look, delay.toNanos(), TimeUnit.NANOSECONDS),
                () -> state.unloaded(), jarFiles);
        engine.addLifecycleListener(retries);
    }

    /**
     * @return per service the plugin has resources on (declared, or set by an operator's override), why it does
     *         not answer now; empty if all answer
     */
    private Map<String, String> outageOf(PluginDescriptor plugin) {
        Optional<ResourceOverrides> overrides = engine.getOverrides(plugin.name());
        Map<String, String> problems = new java.util.LinkedHashMap<>();
        if (databases != null
                && !overrides.flatMap(ResourceOverrides::allowedTables).orElse(plugin.allowedTables()).isEmpty()) {
            databases.problemOf(plugin.name(), Duration.ofSeconds(2))
                    .forEach((name, problem) -> problems.put("database " + name, problem));
        }
        if (kafka != null
                && !overrides.flatMap(ResourceOverrides::allowedTopics).orElse(plugin.allowedTopics()).isEmpty()) {
            kafka.unreachable().ifPresent(problem -> problems.put("kafka", problem));
        }
        if (s3 != null
                && !overrides.flatMap(ResourceOverrides::allowedBuckets).orElse(plugin.allowedBuckets()).isEmpty()) {
            s3.unreachable().ifPresent(problem -> problems.put("s3", problem));
        }
        return problems;
    }

    /**
     * @return where Kafka is and how the plugins' clients reach it: {@code pluginhost.kafka.*}, the clients'
     *         own settings from {@code pluginhost.kafka.client.<setting>} (TLS, SASL), and a SASL log-in from
     *         {@code pluginhost.kafka.sasl.mechanism}, {@code .username} and {@code .password}
     */
    static KafkaConnection kafkaConnection(Config config, String bootstrapServers) {
        Map<String, String> client = new HashMap<>();
        // Kafka's settings by name, so that the environment gives them too (PLUGINHOST_KAFKA_CLIENT_SECURITY_PROTOCOL);
        // then whatever else a source lists (a setting for a client's plug-in, such as a serializer's).
        String prefix = ConfigKeys.KAFKA_CLIENT_PREFIX;
        Set<String> names = new HashSet<>(KafkaConnection.clientSettingNames());
        for (String key : ConfigKeys.names(config)) {
            if (key.startsWith(prefix) && key.length() > prefix.length()) {
                names.add(key.substring(prefix.length()));
            }
        }
        for (String name : names) {
            config.getOptionalValue(prefix + name, String.class).ifPresent(value -> client.put(name, value));
        }
        KafkaConnection connection = new KafkaConnection(bootstrapServers, client,
                config.getOptionalValue("pluginhost.kafka.create-topics", Boolean.class).orElse(true),
                // Unset, a topic is as the cluster makes them: replication 1 would be refused or fragile there.
                config.getOptionalValue("pluginhost.kafka.partitions", Integer.class)
                        .orElse((int) KafkaConnection.CLUSTER_DEFAULT),
                config.getOptionalValue("pluginhost.kafka.replication-factor", Short.class)
                        .orElse(KafkaConnection.CLUSTER_DEFAULT),
                config.getOptionalValue("pluginhost.kafka.send-timeout", Duration.class).orElse(Duration.ofSeconds(20)),
                config.getOptionalValue("pluginhost.kafka.request-timeout", Duration.class)
                        .orElse(Duration.ofSeconds(10)),
                config.getOptionalValue("pluginhost.kafka.admin-timeout", Duration.class)
                        .orElse(Duration.ofSeconds(5)),
                config.getOptionalValue("pluginhost.kafka.max-consumers-per-plugin", Integer.class)
                        .orElse(KafkaConnection.DEFAULT_MAX_CONSUMERS_PER_PLUGIN));
        Optional<String> mechanism = config.getOptionalValue("pluginhost.kafka.sasl.mechanism", String.class);
        if (mechanism.isEmpty()) {
            return connection;
        }
        return connection.withSasl(new SaslLogin(mechanism.get(),
                config.getOptionalValue("pluginhost.kafka.sasl.username", String.class).orElse(null),
                config.getOptionalValue("pluginhost.kafka.sasl.password", String.class).orElse(null)));
    }

    /** The engine's bounds from {@code pluginhost.unload.*}, {@code pluginhost.plugin-calls.*}; defaults where unset. */
    static EngineLimits engineLimits(Config config) {
        EngineLimits defaults = EngineLimits.defaults();
        return new EngineLimits(
                Duration.ofSeconds(config.getOptionalValue("pluginhost.unload.drain-seconds", Integer.class)
                        .orElse((int) defaults.drainTimeout().toSeconds())),
                config.getOptionalValue("pluginhost.plugin-calls.max-depth", Integer.class)
                        .orElse(defaults.maxCallDepth()),
                Duration.ofSeconds(config.getOptionalValue("pluginhost.plugin-calls.initialize-seconds", Integer.class)
                        .orElse((int) defaults.initializeTimeout().toSeconds())),
                Duration.ofSeconds(config.getOptionalValue("pluginhost.plugin-calls.cleanup-seconds", Integer.class)
                        .orElse((int) defaults.cleanupTimeout().toSeconds())),
                config.getOptionalValue("pluginhost.plugin-calls.max-listeners", Integer.class)
                        .orElse(defaults.maxListenersPerPlugin()),
                config.getOptionalValue("pluginhost.plugin-calls.lifecycle-deadlines", Boolean.class)
                        .orElse(defaults.lifecycleDeadlines()));
    }

    /**
     * The SQL guard's parser threads: the host's own, all started now (never inside a plugin's call, where
     * a new thread could keep the plugin's loader), so their number bounds the parses at once and the
     * rest wait their turn. Not the server's managed executor: WildFly refuses new tasks on it while it
     * suspends, which failed every statement of the calls a graceful shutdown waits for.
     */
    private ThreadPoolExecutor startSqlParser() {
        int size = Math.min(16, Math.max(4, 2 * Runtime.getRuntime().availableProcessors()));
        AtomicInteger made = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(size, size, 0, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(), task -> {
                    Thread thread = threads.newThread(task);
                    if (thread != null) {
                        thread.setName("pluginhost-sql-parser-" + made.incrementAndGet());
                    }
                    return thread;
                });
        pool.prestartAllCoreThreads();
        return pool;
    }

    @PreDestroy
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    void stop() {
        health.detach();
        meters.stop();
        if (suspension != null) {
            suspension.close();
        }
        if (watcher != null) {
            watcher.close();
        }
        if (retries != null) {
            retries.close();
        }
        if (retryTimer != null) {
            retryTimer.shutdownNow();
        }
        if (stateTimer != null) {
            stateTimer.shutdownNow();
        }
        if (reports != null) {
            operatorChanges.lock(); // after a report being written
            try {
                reports.withdraw();
            } finally {
                operatorChanges.unlock();
            }
        }
        if (busSubscription != null) {
            try {
                busSubscription.close();
            } catch (Exception e) {
                LOG.log(Level.WARNING, "removing the CDI bus bridge", e);
            }
        }
        if (remoteEvents != null) {
            remoteEvents.close(); // before the engine: no event from another node reaches a closing engine
        }
        if (engine != null) {
            engine.close();
            engine = null;
        }
        if (backgroundRequests != null) {
            backgroundRequests.close();
        }
        if (relay != null) {
            relay.close();
        }
        if (bridge != null) {
            bridge.close();
        }
        try {
            json.close();
        } catch (Exception e) {
            LOG.log(Level.FINE, "closing JSON-B", e);
        }
        if (kafka != null) {
            kafka.close();
        }
        if (databases != null) {
            databases.close();
        }
        if (sqlParser != null) {
            sqlParser.shutdownNow();
        }
        if (s3 != null) {
            s3.close();
        }
    }

    /** @return the engine */
    public PluginManager plugins() {
        return engine;
    }

    /** @return the JSON-B to write plugins' objects with (an execute result): it keeps no unloaded plugin */
    public PluginObjectJson pluginObjectJson() {
        return pluginObjects;
    }

    /**
     * @return per plugin that has done anything since the host started: executions (count, errors, mean
     *         and max latency), events emitted and received, repository calls and errors by kind, loads
     *         and unloads with the last one's duration
     */
    public Map<String, Map<String, Object>> metrics() {
        return counters.snapshot();
    }

    /**
     * What every node that shares this node's operator state says it runs, with the version of the shared
     * state it has followed; where the state is not shared, this node alone, as it is now.
     *
     * @return {@code node} (this one), {@code shared}, {@code stateVersion} (the shared state's, if shared),
     *         and {@code nodes}: each node's report ({@code node}, {@code stateVersion}, {@code plugins},
     *         {@code reportedAt}, {@code silent})
     * @throws OperatorStateNotSavedException if the database the nodes share cannot be read
     */
    public Map<String, Object> cluster() {
        Map<String, Object> view = new java.util.LinkedHashMap<>();
        view.put("node", nodeId);
        view.put("shared", reports != null);
        if (reports == null) {
            Map<String, Object> self = new java.util.LinkedHashMap<>(NodeReports.report(nodeId, engine.list(), 0,
                    this::withoutServerPaths));
            self.remove("stateVersion");
            self.put("reportedAt", Instant.now().toString());
            self.put("silent", false);
            view.put("nodes", List.of(self));
            return view;
        }
        view.put("stateVersion", state.storedVersion());
        try {
            view.put("nodes", reports.nodes());
        } catch (Exception e) {
            throw new OperatorStateNotSavedException("cannot read " + reports + " ("
                    + e.getMessage() + "). Check pluginhost.shared-state.datasource", new IOException(e));
        }
        return view;
    }

    /**
     * What the readiness checks report about the services plugins reach: per service ({@code database:
     * <jndi name>}, {@code kafka}, {@code s3}) why it cannot be reached, or {@code null} if it answered;
     * and where the operator state is shared ({@code shared state: <jndi name>}), why it did not answer at
     * the last look. Services the host is not configured to use are absent. Each probe waits at most its own
     * timeout.
     *
     * @return the services and their problems
     */
    public Map<String, String> serviceProblems() {
        Map<String, String> problems = new java.util.LinkedHashMap<>();
        if (databases != null) {
            databases.problems(Duration.ofSeconds(2)).forEach((name, problem) -> problems.put("database: " + name, problem));
        }
        if (kafka != null) {
            problems.put("kafka", kafka.unreachable().orElse(null));
        }
        if (s3 != null) {
            problems.put("s3", s3.unreachable().orElse(null));
        }
        if (sharedStateSource != null) { // as at the last look (every poll): a node that cannot follow the others
            problems.put("shared state: " + sharedStateSource, sharedStateProblem);
        }
        return problems;
    }

    /** @return this node's id on the cluster's event topic ({@code pluginhost.node-id}, or a unique default) */
    public String nodeId() {
        return nodeId;
    }

    /**
     * Delivers an event that another node's plugin emitted to this node's plugins (every one with a
     * matching listener: it comes from the host, not from a local plugin), without sending it out again.
     * Returns at once: the event is delivered on a host thread of its own ({@link RemoteEventDelivery}),
     * so a plugin's listener never holds the JMS session.
     *
     * @param name the event name
     * @param json its payload as JSON
     */
    public void deliverFromOtherNode(String name, String json) {
        remoteEvents.deliver(name, json);
    }

    private void publishFromOtherNode(String name, String json) {
        Object data = json == null || json.isBlank() ? null : this.json.fromJson(json, Object.class);
        FROM_OTHER_NODE.set(Boolean.TRUE);
        try {
            engine.publish(name, data);
        } finally {
            FROM_OTHER_NODE.remove();
            engine.releaseCallingThread(); // the delivery thread outlives the plugins it delivers to
        }
    }

    /** @return the largest plugin jar the admin API accepts as an upload, in bytes */
    public long uploadLimitBytes() {
        return config.getOptionalValue("pluginhost.upload.max-bytes", Long.class).orElse(8L * 1024 * 1024);
    }

    /**
     * Loads a jar that is in the plugin directory, by file name; nothing outside the directory.
     *
     * @param jar the file name, e.g. {@code orders.jar}
     * @return the loaded plugin
     * @throws IllegalArgumentException if that is not a jar file directly in the plugin directory
     */
    public PluginInfo loadFromDirectory(String jar) {
        operatorChanges.lock();
        try {
            Path path = pluginDirectory.resolve(jar).normalize();
            if (!pluginDirectory.equals(path.getParent()) || !Files.isRegularFile(path)) {
                throw new IllegalArgumentException("'" + jar + "' is not a jar in the plugin directory");
            }
            PluginInfo info = engine.load(path);
            state.loadedByOperator(info.name());
            return info;
        } finally {
            operatorChanges.unlock();
        }
    }

    /**
     * Unloads as {@link PluginManager#unload(String, boolean, boolean)} does, and remembers it: after a restart
     * the plugins it unloaded stay unloaded until loaded again over REST. A plugin whose jar failed its
     * first load (listed by {@link #listJars} as FAILED or WAITING) is held unloaded the same way: it is
     * not loaded again when its services answer, nor at the next start.
     *
     * @return the plugins unloaded
     */
    public List<String> unload(String name, boolean cascade, boolean force) {
        operatorChanges.lock();
        try {
            state.checkSavable();
            try {
                List<String> unloaded = engine.unload(name, cascade, force);
                state.unloaded(unloaded);
                return unloaded;
            } catch (io.pluginhost.api.exception.PluginNotFoundException e) {
                Optional<FailedLoads.JarFailure> failure = failedLoads.ofPlugin(name);
                if (failure.isEmpty()) {
                    throw e;
                }
                state.unloaded(List.of(name));
                PluginDirectoryWatcher watching = watcher;
                if (watching != null) { // nor tried again by hot deploy when what it waits for comes
                    watching.stopWaiting(failure.get().jar());
                }
                LOG.info(() -> "plugin '" + name + "', whose load failed, is held unloaded: not retried, not loaded"
                        + " at start");
                return List.of(name);
            } catch (io.pluginhost.api.exception.PluginUnloadException e) {
                if (engine.find(name).filter(p -> p.state() == PluginState.LOADED).isEmpty()) {
                    state.unloaded(List.of(name)); // unloaded, though its cleanup failed
                }
                throw e;
            }
        } finally {
            operatorChanges.unlock();
        }
    }

    /** {@link PluginManager#setOverrides}, kept across restarts. */
    public List<PluginInfo> setOverrides(String name, ResourceOverrides overrides) {
        operatorChanges.lock();
        try {
            state.checkSavable();
            List<PluginInfo> reloaded = engine.setOverrides(name, overrides);
            state.overrides(name, Optional.of(overrides));
            return reloaded;
        } finally {
            operatorChanges.unlock();
        }
    }

    /** {@link PluginManager#clearOverrides}; after a restart MicroProfile Config's apply again. */
    public List<PluginInfo> clearOverrides(String name) {
        operatorChanges.lock();
        try {
            state.checkSavable();
            List<PluginInfo> reloaded = engine.clearOverrides(name);
            state.overrides(name, Optional.empty());
            return reloaded;
        } finally {
            operatorChanges.unlock();
        }
    }

    /** {@link PluginManager#setConfig}, kept across restarts. */
    public List<PluginInfo> setConfig(String name, Map<String, String> settings) {
        operatorChanges.lock();
        try {
            state.checkSavable();
            List<PluginInfo> reloaded = engine.setConfig(name, settings);
            state.config(name, Optional.of(settings));
            return reloaded;
        } finally {
            operatorChanges.unlock();
        }
    }

    /** {@link PluginManager#clearConfig}; after a restart MicroProfile Config's apply again. */
    public List<PluginInfo> clearConfig(String name) {
        operatorChanges.lock();
        try {
            state.checkSavable();
            List<PluginInfo> reloaded = engine.clearConfig(name);
            state.config(name, Optional.empty());
            return reloaded;
        } finally {
            operatorChanges.unlock();
        }
    }

    /**
     * What {@link #putJar} did.
     *
     * @param upgrade  the versions, if it upgraded a loaded plugin; else empty
     * @param loaded   the plugin loaded from a new jar, if it was not an upgrade
     */
    public record JarPut(Optional<UpgradeResult> upgrade, Optional<PluginInfo> loaded) {
    }

    /**
     * A jar file in the plugin directory and what the host makes of it.
     *
     * @param file     its file name
     * @param size     bytes
     * @param modified last modified, ISO-8601
     * @param plugin   the plugin it holds ({@code name@version}), if it is a valid plugin jar
     * @param state    LOADED (a loaded plugin comes from it), FAILED (its last load failed), WAITING (its
     *                 last load failed while a service it uses did not answer; loaded again once it does),
     *                 UNLOADED (valid, not loaded) or INVALID
     * @param problem  why it failed or is invalid, if so (no server path in it)
     * @param shared   whether the operator state the nodes share keeps it (uploaded over REST), so every node
     *                 has it; false without a shared state
     */
    public record JarFile(String file, long size, String modified, String plugin, String state, String problem,
                          boolean shared) {
    }

    /**
     * Puts a jar into the plugin directory: an upgrade if the plugin it holds is loaded (from this file
     * or another: the other file is deleted once the new version runs), else a load. Validated before
     * anything changes; a jar that does not load is not kept, and a file it replaced comes back.
     *
     * <p>The body is written to a staged file as it arrives, never held whole in memory, so the upload
     * limit costs disk, not heap; it is staged before the host's lock is taken, so a slow upload holds
     * up no other change of the plugin directory.
     *
     * @param file  the file name, letters, digits, '.', '_' and '-', ending in {@code .jar}
     * @param body  the jar as it arrives
     * @param limit the most bytes accepted
     * @return what it did
     * @throws IllegalArgumentException if the file name is not acceptable
     * @throws UploadTooLargeException  if the body is over the limit or ends before its end (the server's
     *                                  own body limit cuts it so); nothing is kept
     * @throws IllegalStateException    if the file is the jar of a loaded plugin other than the one uploaded
     * @throws IOException              if the file cannot be written
     */
    public JarPut putJar(String file, InputStream body, long limit) throws IOException {
        Path target = jarPath(file);
        Path staged = stage(file, body, limit);
        operatorChanges.lock();
        try {
            state.checkShared(); // it keeps the jar for the other nodes
            synchronized (jarFiles) {
                Optional<Path> replaced = engine.find(engine.inspect(staged).name()).map(PluginInfo::source)
                        .map(source -> source.toAbsolutePath().normalize()).filter(source -> !source.equals(target));
                JarPut put = putJar(file, target, staged);
                state.jarUploaded(file, target);
                // An upgrade from a jar of another name deleted it: so do the other nodes, as it was theirs too.
                if (replaced.isPresent() && !Files.exists(replaced.get())) {
                    state.jarDeleted(replaced.get().getFileName().toString());
                }
                return put;
            }
        } finally {
            operatorChanges.unlock();
            Files.deleteIfExists(staged);
        }
    }

    /** A jar upload over the host's limit, or one the server stopped reading (its own limit, a client gone). */
    public static final class UploadTooLargeException extends IOException {
        private static final long serialVersionUID = 1L;

        UploadTooLargeException(String message, IOException cause) {
            super(message, cause);
        }
    }

    /** @return the body, in a file of the plugin directory that no directory load or restart reads */
    private Path stage(String file, InputStream body, long limit) throws IOException {
        Files.createDirectories(pluginDirectory);
        Path staged = stagedPath(file);
        try (OutputStream out = Files.newOutputStream(staged, StandardOpenOption.CREATE_NEW)) {
            byte[] buffer = new byte[64 * 1024];
            long total = 0;
            while (true) {
                int read;
                try {
                    read = body.read(buffer);
                } catch (IOException unreadable) {
                    throw new UploadTooLargeException("the upload could not be read to its end", unreadable);
                }
                if (read < 0) {
                    return staged;
                }
                total += read;
                if (total > limit) {
                    throw new UploadTooLargeException("the upload is over " + limit + " bytes", null);
                }
                out.write(buffer, 0, read);
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(staged);
            throw e;
        }
    }

    /**
     * @return a new file of the plugin directory for a jar on its way in (an upload, or one another node
     *         uploaded): not *.jar, so no directory load or restart sees it half-written or unvalidated, and
     *         named so that {@link #withoutServerPaths} says the jar's own name where a message names it
     */
    private Path stagedPath(String file) {
        return pluginDirectory.resolve("." + file + ".uploading-" + UUID.randomUUID());
    }

    /** Keeps hot deploy from acting again on a jar the host wrote and acted on itself. */
    private void hostWrote(Path jar) {
        PluginDirectoryWatcher watching = watcher;
        if (watching != null) {
            watching.written(jar);
        }
    }

    /** The rest of {@link #putJar(String, InputStream, long)}, under the lock: the staged jar upgrades or loads. */
    private JarPut putJar(String file, Path target, Path staged) throws IOException {
        String name = engine.inspect(staged).name();
        refuseIfAnotherRunsFrom(file, target, name);
        Optional<PluginInfo> loaded = engine.find(name).filter(p -> p.state() == PluginState.LOADED);
        if (loaded.isPresent()) {
            UpgradeResult upgrade = engine.upgrade(name, staged, target);
            hostWrote(target);
            forgetFailedOthers(target, name);
            return new JarPut(Optional.of(upgrade), Optional.empty());
        }
        state.checkSavable(); // the unload it lifts is saved once it runs
        Path backup = pluginDirectory.resolve("." + file + ".replaced-" + UUID.randomUUID());
        boolean replacing = Files.exists(target);
        if (replacing) {
            Files.move(target, backup);
        }
        Files.move(staged, target);
        hostWrote(target);
        PluginInfo info;
        try {
            info = engine.find(name).filter(p -> p.state() == PluginState.FAILED).isPresent()
                    ? engine.reload(name).get(0) : engine.load(target);
        } catch (RuntimeException e) {
            Files.deleteIfExists(target);
            if (replacing) {
                Files.move(backup, target);
                hostWrote(target); // what was loaded from it before stays as it was
            }
            throw e; // and an operator's unload of the plugin holds
        }
        Files.deleteIfExists(backup);
        state.loadedByOperator(name);
        forgetFailedOthers(target, name);
        return new JarPut(Optional.empty(), Optional.of(info));
    }

    /** @throws IllegalStateException if a loaded plugin other than {@code name} runs from the file */
    private void refuseIfAnotherRunsFrom(String file, Path target, String name) {
        for (PluginInfo info : engine.list()) {
            if (info.state() == PluginState.LOADED && !info.name().equals(name)
                    && info.source().toAbsolutePath().normalize().equals(target)) {
                throw new IllegalStateException(file + " holds the loaded plugin '" + info.name() + "', which runs"
                        + " from it; a jar of plugin '" + name + "' cannot take its place: upload it under another"
                        + " file name, or unload '" + info.name() + "' first");
            }
        }
    }

    /**
     * Writes into the plugin directory each jar the shared state names that it lacks, or holds other bytes of
     * (uploaded on another node), before the first load: a node that joins the cluster begins with them.
     */
    private void writeSharedJars() {
        state.jars().forEach((file, sha256) -> {
            try {
                Path fetched = fetchIfNotHeld(file, sha256);
                if (fetched != null) {
                    try {
                        moveIntoPlace(fetched, jarPath(file));
                    } finally {
                        Files.deleteIfExists(fetched);
                    }
                    LOG.info(() -> file + ": as uploaded on another node, written here");
                }
            } catch (IOException | RuntimeException e) {
                jarsNotWritten.put(file, sha256);
                LOG.warning(file + ", as uploaded on another node, cannot be written here ("
                        + describe(e) + "); tried again at each look");
            }
        });
    }

    /**
     * Follows an upload on another node: writes its jar here, and upgrades its plugin if it runs here (or loads
     * it again if its last load failed), as the upload did there.
     *
     * @return the jar, if its plugin is to be loaded with the other nodes' other loads: not if it is held
     *         unloaded (unloaded there after the upload, before this node looked), as a load here would lift
     *         that unload for every node
     */
    private Optional<Path> followUpload(String file, String sha256) {
        Path fetched;
        try {
            fetched = fetchIfNotHeld(file, sha256);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException(describe(e)
                    + (jarsNotWritten.containsKey(file) ? "; tried again at each look" : ""), e);
        }
        if (fetched == null) {
            return Optional.empty(); // written here already, or a plugin directory the nodes share
        }
        Path target = jarPath(file);
        try {
            synchronized (jarFiles) {
                String name = engine.inspect(fetched).name();
                if (engine.find(name).isPresent()) {
                    putJar(file, target, fetched);
                    return Optional.empty();
                }
                refuseIfAnotherRunsFrom(file, target, name);
                moveIntoPlace(fetched, target);
                forgetFailedOthers(target, name);
                return state.unloaded().contains(name) ? Optional.empty() : Optional.of(target);
            }
        } catch (IOException e) {
            throw new IllegalStateException(describe(e), e);
        } finally {
            try {
                Files.deleteIfExists(fetched);
            } catch (IOException e) {
                LOG.warning("cannot delete " + fetched.getFileName() + ": " + FileProblems.describe(e));
            }
        }
    }

    /**
     * @return the shared jar, in a file of the plugin directory that no directory load or restart reads; null
     *         if the directory holds it already
     * @throws IOException or a RuntimeException if it cannot be fetched or written: the file and the bytes are
     *                     then kept in {@link #jarsNotWritten}, to try again
     * @throws IllegalArgumentException if the file name is not one an upload could have (a hand edit)
     */
    private Path fetchIfNotHeld(String file, String sha256) throws IOException {
        jarsNotWritten.remove(file);
        Path target = jarPath(file); // a name no upload could have: refused, and not tried again
        try {
            if (Files.isRegularFile(target) && OperatorState.sha256(Files.readAllBytes(target)).equals(sha256)) {
                return null;
            }
            byte[] bytes = state.sharedJar(sha256);
            Files.createDirectories(pluginDirectory);
            Path fetched = stagedPath(file);
            Files.write(fetched, bytes, StandardOpenOption.CREATE_NEW);
            return fetched;
        } catch (IOException | RuntimeException e) {
            jarsNotWritten.put(file, sha256);
            throw e;
        }
    }

    /**
     * Tries again to write the jars of other nodes' uploads that this node could not fetch or write, while the
     * shared state names them so; says once when one is written, or when its plugin then fails.
     */
    private void writeJarsNotWritten() {
        Map<String, String> named = state.jars();
        for (Map.Entry<String, String> jar : List.copyOf(jarsNotWritten.entrySet())) {
            String file = jar.getKey();
            jarsNotWritten.remove(file);
            if (!jar.getValue().equals(named.get(file))) {
                continue; // deleted or replaced since, and that change followed
            }
            try {
                Optional<Path> toLoad = followUpload(file, jar.getValue());
                LOG.info(() -> "the upload of " + file + ", as done on another node: here too now");
                toLoad.ifPresent(loading -> OtherNodesChanges.load(engine, List.of(loading)));
            } catch (RuntimeException e) {
                if (!jarsNotWritten.containsKey(file)) {
                    LOG.warning("the upload of " + file + ", as done on another node, fails here: " + e.getMessage());
                }
            }
        }
    }

    /** Follows a delete on another node: unloads what runs from the jar here, with its dependents, and deletes it. */
    private void followDelete(String file) {
        jarsNotWritten.remove(file);
        Path target = jarPath(file);
        for (PluginInfo info : engine.list()) {
            if (info.state() == PluginState.LOADED && info.source().toAbsolutePath().normalize().equals(target)) {
                engine.unload(info.name(), true, false);
            }
        }
        try {
            deleteJarHere(file, target);
        } catch (IOException e) {
            throw new IllegalStateException(describe(e), e);
        }
    }

    /** @return what failed, without server paths */
    private String describe(Exception e) {
        return withoutServerPaths(e instanceof IOException io ? FileProblems.describe(io) : e.getMessage());
    }

    private void moveIntoPlace(Path fetched, Path target) throws IOException {
        try {
            Files.move(fetched, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (java.nio.file.AtomicMoveNotSupportedException e) {
            Files.move(fetched, target, StandardCopyOption.REPLACE_EXISTING);
        }
        hostWrote(target);
    }

    /**
     * Forgets the failed plugins listed from a jar that now holds another plugin, as a delete of the jar
     * forgets them: no reload could bring them back from it.
     */
    private void forgetFailedOthers(Path jar, String holds) {
        for (PluginInfo info : engine.list()) {
            if (info.state() == PluginState.FAILED && !info.name().equals(holds)
                    && info.source().toAbsolutePath().normalize().equals(jar)) {
                engine.unload(info.name());
            }
        }
    }

    /** @return every jar in the plugin directory with its state, by file name */
    public List<JarFile> listJars() throws IOException {
        Set<String> shared = state.jars().keySet();
        Map<Path, PluginInfo> bySource = new HashMap<>();
        engine.list().forEach(info -> bySource.put(info.source().toAbsolutePath().normalize(), info));
        List<JarFile> jars = new ArrayList<>();
        if (!Files.isDirectory(pluginDirectory)) {
            return withFilesGone(jars, bySource, shared);
        }
        try (var files = Files.list(pluginDirectory)) {
            for (Path path : files.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList()) {
                String fileName = path.getFileName().toString();
                java.nio.file.attribute.BasicFileAttributes attributes;
                try {
                    attributes = Files.readAttributes(path, java.nio.file.attribute.BasicFileAttributes.class);
                } catch (IOException unreadable) { // one entry: the others are still listed
                    boolean gone = unreadable instanceof java.nio.file.NoSuchFileException;
                    if (!gone || Files.isSymbolicLink(path)) { // a file deleted while listed is not listed
                        jars.add(new JarFile(fileName, 0, null, null, "INVALID", "it cannot be read: " + (gone
                                ? "a link to a file that does not exist" : withoutServerPaths(unreadable.toString())),
                                shared.contains(fileName)));
                    }
                    continue;
                }
                PluginInfo info = bySource.get(path.toAbsolutePath().normalize());
                String plugin = null;
                String state;
                String problem = null;
                if (info != null) {
                    plugin = info.descriptor().toString();
                    Optional<String> failure = info.error();
                    Map<String, String> waitsFor = info.state() == PluginState.FAILED
                            ? waitingFor(info.name(), failure) : Map.of();
                    state = waitsFor.isEmpty() ? info.state().name() : "WAITING";
                    problem = failure.map(why -> withoutServerPaths(explained(why, waitsFor))).orElse(null);
                    if (info.state() == PluginState.LOADED) {
                        problem = failedLoads.ofLoaded(path, attributes.lastModifiedTime()).map(why -> withoutServerPaths(
                                "it runs as loaded before; the file now here does not load: " + why)).orElse(null);
                    }
                } else {
                    try {
                        PluginDescriptor descriptor = engine.inspect(path);
                        plugin = descriptor.toString();
                        Optional<String> failure = failedLoads.of(path, attributes.lastModifiedTime());
                        boolean heldUnloaded = this.state.unloaded().contains(descriptor.name());
                        Map<String, String> waitsFor = heldUnloaded ? Map.of() : waitingFor(descriptor.name(), failure);
                        state = failure.isEmpty() || heldUnloaded ? "UNLOADED"
                                : waitsFor.isEmpty() ? "FAILED" : "WAITING";
                        problem = failure.map(why -> withoutServerPaths(explained(why, waitsFor))).orElse(null);
                    } catch (RuntimeException e) {
                        state = "INVALID";
                        problem = withoutServerPaths(e.getMessage());
                    }
                }
                jars.add(new JarFile(fileName, attributes.size(), attributes.lastModifiedTime().toString(), plugin,
                        state, problem, shared.contains(fileName)));
            }
        }
        return withFilesGone(jars, bySource, shared);
    }

    /**
     * Adds the plugins that came from a jar of the plugin directory no longer there (deleted outside the
     * host, with hot deploy off): they run on, but would not come back, and the listing is where an
     * operator looks for their jars.
     */
    private List<JarFile> withFilesGone(List<JarFile> jars, Map<Path, PluginInfo> bySource, Set<String> shared) {
        Set<String> listed = jars.stream().map(JarFile::file).collect(java.util.stream.Collectors.toSet());
        for (Map.Entry<Path, PluginInfo> entry : bySource.entrySet()) {
            Path source = entry.getKey();
            String file = source.getFileName().toString();
            if (pluginDirectory.equals(source.getParent()) && !listed.contains(file) && !Files.exists(source)) {
                PluginInfo info = entry.getValue();
                jars.add(new JarFile(file, 0, null, info.descriptor().toString(), info.state().name(),
                        "the file is gone (deleted outside the host): " + (info.state() == PluginState.LOADED
                                ? "the plugin runs as loaded, but a reload fails and it will not load at the next"
                                        + " start; upload the jar again (PUT /api/jars/" + file + "), or unload the"
                                        + " plugin"
                                : "upload the jar again (PUT /api/jars/" + file + "), or unload the plugin to"
                                        + " forget it"), shared.contains(file)));
            }
        }
        jars.sort(java.util.Comparator.comparing(JarFile::file));
        return jars;
    }

    /**
     * Why a plugin the engine does not know is not loaded, when the host knows: a jar of the plugin
     * directory, still there and unchanged, failed its first load as that plugin, or an operator
     * unloaded it. For the 404 that would otherwise only say it is not loaded.
     *
     * @param name a plugin name
     * @return e.g. "its jar notes.jar failed to load: ...", without server paths; empty if the engine
     *         knows the plugin or the host knows nothing of it
     */
    public Optional<String> whyNotLoaded(String name) {
        if (name == null || engine.find(name).isPresent()) {
            return Optional.empty();
        }
        boolean held = state.unloaded().contains(name);
        Optional<String> failure = failedLoads.ofPlugin(name).map(failed -> {
            Map<String, String> waitsFor = held ? Map.of() : waitingFor(name, Optional.of(failed.message()));
            return withoutServerPaths("its jar " + failed.jar().getFileName() + " failed to load"
                    + (held ? ", and an operator holds it unloaded" : "") + ": "
                    + explained(failed.message(), waitsFor));
        });
        return failure.isPresent() || !held ? failure : Optional.of("an operator unloaded it; it stays unloaded,"
                + " at start too, until it is loaded again (POST /plugins)");
    }

    /** @return what a plugin whose load failed waits for (service to problem); empty if it does not wait */
    private Map<String, String> waitingFor(String plugin, Optional<String> failure) {
        return failure.isEmpty() || retries == null ? Map.of() : retries.waiting().getOrDefault(plugin, Map.of());
    }

    private static String explained(String failure, Map<String, String> waitsFor) {
        return waitsFor.isEmpty() ? failure : "loaded again once " + String.join(" and ", waitsFor.keySet())
                + " answer(s) (now: " + String.join("; ", waitsFor.values()) + "); it failed: " + failure;
    }

    /**
     * Deletes a jar from the plugin directory; refused while a loaded plugin comes from it, and after a
     * load or reload in progress, which may be from it, has ended. A failed plugin listed from it is
     * forgotten, and so is an operator's unload of its plugin: the mark was about this jar, and must not
     * keep a later jar of the same name from loading at the next start.
     *
     * @param file the file name
     * @return whether it existed, or a failed plugin was listed from it (its file deleted outside the host)
     * @throws IllegalStateException naming the plugin, if one is loaded from it
     */
    public boolean deleteJar(String file) throws IOException {
        Path target = jarPath(file);
        operatorChanges.lock();
        try {
            state.checkShared(); // it deletes the jar on the other nodes too
            boolean deleted = deleteJarHere(file, target);
            state.jarDeleted(file);
            return deleted;
        } finally {
            operatorChanges.unlock();
        }
    }

    private boolean deleteJarHere(String file, Path target) throws IOException {
        synchronized (jarFiles) {
            try {
                return engine.betweenOperations(() -> {
                    try {
                        return deleteJar(file, target);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
            } catch (java.io.UncheckedIOException e) {
                throw e.getCause();
            }
        }
    }

    private boolean deleteJar(String file, Path target) throws IOException {
        boolean forgot = false;
        for (PluginInfo info : engine.list()) {
            if (info.source().toAbsolutePath().normalize().equals(target)) {
                if (info.state() == PluginState.LOADED) {
                    throw new IllegalStateException("plugin '" + info.name() + "' is loaded from " + file
                            + "; unload it first");
                }
                engine.unload(info.name()); // forgets a FAILED entry
                forgot = true;
            }
        }
        String plugin = null;
        if (Files.isRegularFile(target)) {
            try {
                plugin = engine.inspect(target).name();
            } catch (RuntimeException unreadable) {
                // not a plugin jar: no unload can name it
            }
        }
        boolean deleted = Files.deleteIfExists(target);
        failedLoads.forget(target);
        if (deleted && plugin != null) {
            state.clearUnload(plugin);
        }
        return deleted || forgot; // a failed plugin listed from a jar deleted outside the host is gone now too
    }

    /** A jar file directly in the plugin directory, by a name that cannot leave it. */
    private Path jarPath(String file) {
        if (file == null || !file.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,100}\\.jar")) {
            throw new IllegalArgumentException("name the jar <name>.jar with letters, digits, '.', '_' and '-',"
                    + " starting with a letter or digit, at most 105 characters in all");
        }
        return pluginDirectory.resolve(file).toAbsolutePath().normalize();
    }

    /** Replaces the plugin directory's path (and any absolute path) in a message by the file name alone. */
    public String withoutServerPaths(String message) {
        if (message == null) {
            return null;
        }
        return STAGED_UPLOAD.matcher(message.replace(pluginDirectory.toString() + java.io.File.separator, "")
                .replaceAll("(?<!\\w)(/[^\\s'\"/:]+)+/([^\\s'\"/]+)", "$2")).replaceAll("$1");
    }

    /**
     * Dumps the heap and says, for every unloaded plugin whose loader is still in memory, what keeps it
     * (see {@link LoaderLeakAnalyzer}). Bounded by {@code pluginhost.leaks.max-heap-mb} (default 1024)
     * and {@code pluginhost.leaks.timeout-seconds} (default 120); the dump goes to the server's temp
     * directory and is deleted. One runs at a time: a caller that asks while one runs (two operators, a
     * double click) gets its verdicts, rather than a second dump on disk and a second analysis in the heap.
     *
     * @return plugin (name@version) to the path from a GC root that keeps its loader
     */
    public Map<String, String> leakVerdicts() {
        return leakVerdicts.get();
    }

    private Map<String, String> analyseLeaks() {
        return new LoaderLeakAnalyzer(serverTempDirectory(),
                Duration.ofSeconds(config.getOptionalValue("pluginhost.leaks.timeout-seconds", Integer.class).orElse(120)),
                config.getOptionalValue("pluginhost.leaks.max-heap-mb", Long.class).orElse(1024L) << 20).explain();
    }

    /** @return WildFly's temporary directory ({@code standalone/tmp}), or the JVM's outside WildFly */
    private static Path serverTempDirectory() {
        return Path.of(System.getProperty("jboss.server.temp.dir", System.getProperty("java.io.tmpdir")));
    }

    /** @return the directory plugins are loaded from */
    public Path pluginDirectory() {
        return pluginDirectory;
    }

}
