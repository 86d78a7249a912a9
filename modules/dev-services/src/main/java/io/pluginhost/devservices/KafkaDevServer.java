package io.pluginhost.devservices;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A single-node Kafka broker in this JVM, in KRaft mode (broker and controller in one process, a
 * static quorum of one), on free loopback ports, with its data in a temporary directory deleted on
 * close. For tests and for running the host on a laptop; never for production.
 *
 * <p>Clients reach it on two listeners: one in plain text ({@link #bootstrapServers()}), and one
 * that asks for a SASL/PLAIN log-in as {@link #SASL_USER} ({@link #saslBootstrapServers()}), as a
 * production cluster asks for credentials.
 */
public final class KafkaDevServer implements AutoCloseable {

    /** The one user the SASL listener knows. */
    public static final String SASL_USER = "pluginhost-dev";
    /** {@link #SASL_USER}'s password. */
    public static final String SASL_PASSWORD = "pluginhost-dev-secret";

    private final KafkaConfig config;
    private final Path dataDirectory;
    private final String bootstrapServers;
    private final String saslBootstrapServers;
    private KafkaRaftServer server;

    private KafkaDevServer(KafkaConfig config, Path dataDirectory, String bootstrapServers,
                           String saslBootstrapServers) {
        this.config = config;
        this.dataDirectory = dataDirectory;
        this.bootstrapServers = bootstrapServers;
        this.saslBootstrapServers = saslBootstrapServers;
    }

    /**
     * Formats a fresh data directory, starts the broker and waits until it answers.
     *
     * @return the running broker
     * @throws Exception if it does not start within a minute
     */
    public static KafkaDevServer start() throws Exception {
        return start(Map.of());
    }

    /**
     * @param brokerSettings broker settings over the development ones, e.g. {@code num.partitions}
     * @return the running broker
     * @throws Exception if it does not start within a minute
     */
    public static KafkaDevServer start(Map<String, String> brokerSettings) throws Exception {
        return start(brokerSettings, Path.of(System.getProperty("java.io.tmpdir")));
    }

    /**
     * @param parent where the broker's data directory is made; a broker that does not start leaves none
     */
    static KafkaDevServer start(Map<String, String> brokerSettings, Path parent) throws Exception {
        Path data = Files.createTempDirectory(parent, "pluginhost-kafka");
        try {
            return startIn(data, brokerSettings);
        } catch (Exception | Error e) {
            deleteTree(data); // restart() deletes it too when the broker fails later; deleting twice is harmless
            throw e;
        }
    }

    private static KafkaDevServer startIn(Path data, Map<String, String> brokerSettings) throws Exception {
        int brokerPort = LoopbackPorts.free();
        int saslPort = LoopbackPorts.free();
        int controllerPort = LoopbackPorts.free();
        Properties properties = new Properties();
        properties.put("process.roles", "broker,controller");
        properties.put("node.id", "1");
        properties.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        properties.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",SASL://127.0.0.1:" + saslPort
                + ",CONTROLLER://127.0.0.1:" + controllerPort);
        properties.put("advertised.listeners",
                "PLAINTEXT://127.0.0.1:" + brokerPort + ",SASL://127.0.0.1:" + saslPort);
        properties.put("controller.listener.names", "CONTROLLER");
        properties.put("listener.security.protocol.map",
                "PLAINTEXT:PLAINTEXT,SASL:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT");
        properties.put("inter.broker.listener.name", "PLAINTEXT");
        properties.put("listener.name.sasl.sasl.enabled.mechanisms", "PLAIN");
        properties.put("listener.name.sasl.plain.sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required user_" + SASL_USER + "=\""
                        + SASL_PASSWORD + "\";");
        properties.put("log.dirs", data.toString());
        properties.put("num.partitions", "1");
        properties.put("auto.create.topics.enable", "false");
        properties.put("offsets.topic.replication.factor", "1");
        properties.put("offsets.topic.num.partitions", "1");
        properties.put("transaction.state.log.replication.factor", "1");
        properties.put("transaction.state.log.min.isr", "1");
        properties.put("share.coordinator.state.topic.replication.factor", "1");
        properties.put("share.coordinator.state.topic.min.isr", "1");
        properties.put("group.initial.rebalance.delay.ms", "0");
        // The default allocates 128 MiB up front for the log cleaner; a dev broker needs little.
        properties.put("log.cleaner.dedupe.buffer.size", String.valueOf(4 * 1024 * 1024));
        properties.putAll(brokerSettings);
        KafkaConfig config = inEnglishCase(() -> new KafkaConfig(properties));

        new Formatter()
                .setPrintStream(new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8))
                .setNodeId(1)
                .setClusterId(Uuid.randomUuid().toString())
                .setDirectories(List.of(data.toString()))
                .setMetadataLogDirectory(data.toString())
                .setControllerListenerName("CONTROLLER")
                .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                .setHasDynamicQuorum(false)
                .run();

        KafkaDevServer dev = new KafkaDevServer(config, data, "127.0.0.1:" + brokerPort, "127.0.0.1:" + saslPort);
        dev.restart();
        return dev;
    }

    /**
     * Stops the broker and keeps its data and ports, as an outage would: clients see it gone until
     * {@link #restart()}.
     */
    public synchronized void stop() {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            server = null;
        }
    }

    /**
     * Starts the broker again on the same ports with the same data, and waits until it answers.
     *
     * @throws Exception if it does not start within a minute
     */
    public synchronized void restart() throws Exception {
        if (server != null) {
            return;
        }
        try {
            inEnglishCase(() -> {
                server = new KafkaRaftServer(config, Time.SYSTEM);
                server.startup();
                awaitReady(Duration.ofMinutes(1));
                return server;
            });
        } catch (Exception e) {
            close();
            throw e;
        }
    }

    /**
     * Runs {@code step} with a default locale whose upper case of {@code i} is {@code I}. The broker
     * upper-cases setting values with the JVM's default locale before it looks them up as enum
     * constants ({@code group.coordinator.rebalance.protocols}' {@code classic}), which Turkish and
     * Azerbaijani make {@code CLASSİC}: the broker would not start on a machine in those languages.
     * The default is the JVM's, so other threads see the change while the broker starts; where the
     * default upper-cases {@code i} to {@code I} already, nothing is changed.
     */
    private static <T> T inEnglishCase(Callable<T> step) throws Exception {
        if ("i".toUpperCase(Locale.getDefault()).equals("I")) {
            return step.call();
        }
        Locale general = Locale.getDefault();
        Locale display = Locale.getDefault(Locale.Category.DISPLAY);
        Locale format = Locale.getDefault(Locale.Category.FORMAT);
        Locale.setDefault(Locale.ROOT);
        try {
            return step.call();
        } finally {
            Locale.setDefault(general);
            Locale.setDefault(Locale.Category.DISPLAY, display);
            Locale.setDefault(Locale.Category.FORMAT, format);
        }
    }

    private void awaitReady(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            while (true) {
                try {
                    if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (Exception notYet) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("Kafka did not start within " + timeout, notYet);
                    }
                }
                Thread.sleep(100);
            }
        }
    }

    /** @return {@code host:port} for {@code bootstrap.servers} */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /**
     * @return {@code host:port} of the listener that asks for a SASL/PLAIN log-in as {@link #SASL_USER}
     *         with {@link #SASL_PASSWORD} ({@code security.protocol=SASL_PLAINTEXT})
     */
    public String saslBootstrapServers() {
        return saslBootstrapServers;
    }

    /** Stops the broker and deletes its data. */
    @Override
    public void close() {
        stop();
        deleteTree(dataDirectory);
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            // A leftover temporary directory is not worth failing a shutdown for.
        }
    }
}
