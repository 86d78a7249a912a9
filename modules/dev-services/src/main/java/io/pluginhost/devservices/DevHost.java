package io.pluginhost.devservices;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The README's run command: starts Kafka and the S3 server, deploys the EAR into the WildFly the
 * build unpacked, starts WildFly with the example plugins as its plugin directory and the dev
 * services configured, prints where to go and the development credentials, and on Ctrl-C stops
 * WildFly, then S3, then Kafka. When WildFly stops by itself (its management's {@code :shutdown}, a
 * crash), it says so and stops S3 and Kafka.
 *
 * <p>Arguments: the WildFly home, the EAR, the plugin directory. WildFly's own
 * {@code -Djboss.socket.binding.port-offset} (given to Maven) moves all of WildFly's ports, to run it
 * beside another server.
 */
public final class DevHost {

    /** Holds the WildFly home's lock until this JVM ends (a local no longer used could be collected, and closed). */
    private static FileChannel runLock;

    private DevHost() {
    }

    /**
     * @param args WildFly home, EAR file, plugin directory
     * @throws Exception if something does not start
     */
    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            throw new IllegalArgumentException("usage: DevHost <wildfly-home> <ear> <plugin-dir>");
        }
        Path wildfly = Path.of(args[0]).toAbsolutePath();
        Path ear = Path.of(args[1]).toAbsolutePath();
        Path plugins = Path.of(args[2]).toAbsolutePath();
        int offset = WildFlyPorts.offset(System.getProperty(WildFlyPorts.OFFSET_PROPERTY));
        runLock = exclusiveUse(wildfly);
        WildFlyPorts.requireFree(offset);
        String http = "http://127.0.0.1:" + (8080 + offset);
        String management = "http://127.0.0.1:" + (9990 + offset);
        String api = http + "/pluginhost/api/plugins";
        DevServices services = DevServices.start();
        KafkaDevServer kafka = services.kafka();
        S3DevServer s3 = services.s3();
        Path deployments = wildfly.resolve("standalone/deployments");
        Files.deleteIfExists(deployments.resolve("pluginhost.ear.failed"));
        Files.copy(ear, deployments.resolve("pluginhost.ear"), StandardCopyOption.REPLACE_EXISTING);
        Path log = wildfly.resolve("standalone/log/console.log");
        Files.createDirectories(log.getParent());
        ProcessBuilder builder = new ProcessBuilder(List.of("sh", wildfly.resolve("bin/standalone.sh").toString(),
                "-c", "standalone-full.xml",
                "-Djboss.bind.address=127.0.0.1",
                "-D" + WildFlyPorts.OFFSET_PROPERTY + "=" + offset,
                "-Dpluginhost.plugin-dir=" + plugins,
                "-Dpluginhost.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                "-Dpluginhost.s3.endpoint=" + s3.endpoint(),
                "-Dpluginhost.s3.access-key=" + S3DevServer.ACCESS_KEY,
                "-Dpluginhost.s3.secret-key=" + S3DevServer.SECRET_KEY))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("JBOSS_HOME", wildfly.toString());
        builder.environment().put("LAUNCH_JBOSS_IN_BACKGROUND", "1");
        // A development server: the client compiler only starts WildFly about 3.5 s sooner on two cores
        // (steady-state speed is not what this server is for). PREPEND_JAVA_OPTS set by the caller wins.
        builder.environment().putIfAbsent("PREPEND_JAVA_OPTS", "-XX:TieredStopAtLevel=1");
        long started = System.nanoTime();
        Process server = builder.start();
        // Every process of the server, remembered while they are alive: Ctrl-C reaches the whole
        // foreground process group, the start script may exit first, and its java would then no
        // longer be a descendant of anything we hold.
        Set<ProcessHandle> processes = ConcurrentHashMap.newKeySet();
        processes.add(server.toHandle());
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicBoolean stopping = new AtomicBoolean();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopping.set(true);
            System.out.println(server.isAlive() ? "Stopping WildFly, S3 and Kafka ..." : "Stopping S3 and Kafka ...");
            server.descendants().forEach(processes::add);
            stop(processes);
            removeDeployment(deployments);
            services.close();
            stopped.countDown();
        }, "dev-host-shutdown"));

        try {
            awaitDeployment(server, api, deployments, log);
        } catch (Exception notStarted) { // not deployed, WildFly gone, no answer in time, the marker unreadable
            // Kafka's and S3's threads would keep this JVM up, and WildFly would run on beside a failed deployment.
            System.out.println("The plugin host did not start: " + notStarted.getMessage());
            System.exit(1); // runs the shutdown hook: WildFly, S3 and Kafka stop, the deployment goes
        }
        server.descendants().forEach(processes::add);
        System.out.println();
        System.out.println("Plugin host is running: " + api + " (started in "
                + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) / 100 / 10.0 + " s)");
        System.out.println("  admin  (load, unload, reload, execute): plugin-admin / plugin-admin-dev");
        System.out.println("  viewer (read only):                     plugin-viewer / plugin-viewer-dev");
        System.out.println("  console: " + http + "/pluginhost/console/");
        System.out.println("  health:  " + management + "/health/ready   metrics: " + management + "/prometheus");
        System.out.println("  try:    curl -u plugin-admin:plugin-admin-dev " + api);
        System.out.println("  plugins from " + plugins);
        System.out.println("  Kafka " + kafka.bootstrapServers() + ", S3 " + s3.endpoint() + ", H2 ExampleDS");
        System.out.println("  server log " + log);
        System.out.println("Press Ctrl-C to stop.");
        int status = server.waitFor();
        if (stopping.get()) {
            stopped.await(); // Ctrl-C: WildFly got it too; the shutdown hook stops the rest
            return;
        }
        // Stopped by its own management (:shutdown), or it crashed: the services have nothing left to serve.
        System.out.println("WildFly stopped (exit status " + status + "); see " + log);
        System.exit(status == 0 ? 0 : 1); // runs the shutdown hook: S3 and Kafka stop, the deployment goes
    }

    /**
     * Claims the WildFly home for this run: a second run command would take the first server's answer
     * for its own, and its shutdown would remove the EAR the two share from the deployment scanner.
     *
     * @return the channel whose lock this JVM holds until it ends
     */
    private static FileChannel exclusiveUse(Path wildfly) throws IOException {
        FileChannel channel = FileChannel.open(wildfly.resolve("standalone/.pluginhost-run-command.lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        if (channel.tryLock() == null) {
            channel.close();
            throw new IllegalStateException("another run command is using " + wildfly + ": stop it first (Ctrl-C in"
                    + " its terminal)");
        }
        return channel;
    }

    private static void awaitDeployment(Process server, String api, Path deployments, Path log) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                throw new IllegalStateException("WildFly exited; see " + log);
            }
            Path failed = deployments.resolve("pluginhost.ear.failed");
            if (Files.exists(failed)) { // the deployment scanner writes WildFly's reason into it
                throw new IllegalStateException("the EAR failed to deploy: " + Files.readString(failed).strip()
                        .replace("\\\\\\\"", "\"").replace("\\\"", "\"") + "\n  see " + log);
            }
            try {
                HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create(api)).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 401 || response.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("WildFly did not serve " + api + " within 4 minutes; see " + log);
    }

    /**
     * Leaves the server as the build made it, so tests that deploy the EAR themselves find no copy.
     *
     * @param deployments the server's deployment scanner directory
     */
    public static void removeDeployment(Path deployments) {
        try (var files = Files.list(deployments)) {
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith("pluginhost.ear")).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            System.err.println("could not remove the deployment from " + deployments + ": " + e);
        }
    }

    /**
     * Asks every process of the server to stop (SIGTERM: WildFly shuts down gracefully), and kills what
     * is still running after 10 s, so Ctrl-C ends everything within the 15 s an operator waits.
     */
    private static void stop(Set<ProcessHandle> processes) {
        processes.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (ProcessHandle process : processes) {
            long left = deadline - System.nanoTime();
            try {
                if (left > 0) {
                    process.onExit().get(left, TimeUnit.NANOSECONDS);
                }
            } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                // killed below
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (ProcessHandle process : processes) {
            if (process.isAlive()) {
                System.out.println("WildFly did not stop within 10 s; killing process " + process.pid());
                process.destroyForcibly();
            }
        }
    }
}
