package io.pluginhost.it;

import io.pluginhost.devservices.DevHost;
import io.pluginhost.devservices.WildFlyPorts;
import io.pluginhost.it.support.ServerPorts;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's run command, as an operator uses it: start it, wait for "running", press Ctrl-C
 * (SIGINT), or stop WildFly through its management, and find no process of it and nothing listening on
 * WildFly's, Kafka's and S3's ports.
 */
class RunCommandIT {

    /** Where the plugin jars the upload timing builds go. */
    @org.junit.jupiter.api.io.TempDir
    java.nio.file.Path jars;

    @Test
    void ctrlCStopsWildFlyS3AndKafkaWithin15SecondsLeavingNoProcessAndNoPort() throws Exception {
        RunCommand run = RunCommand.start();
        try {
            assertThat(run.output).as("on the port offset it was given").anyMatch(line -> line.startsWith(
                    "Plugin host is running: " + ServerPorts.http() + "/pluginhost/api/plugins "));
            assertThat(listening(8080 + ServerPorts.offset())).isTrue();
            measureUploadToServing(jars);

            long pressed = System.nanoTime();
            run.interrupt();

            assertThat(run.process.waitFor(15, TimeUnit.SECONDS)).as("the run command ended within 15 s: %s",
                    run.output).isTrue();
            run.assertNothingLeft();
            System.out.println("run command: stopped " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - pressed)
                    + " ms after Ctrl-C");
        } finally {
            run.destroy();
        }
    }

    /**
     * WildFly stopped by its own management (an operator's {@code :shutdown}, the web console, a crash):
     * the run command said nothing and kept Kafka and S3 running until Ctrl-C.
     */
    @Test
    void aServerShutDownByItsManagementEndsTheRunCommandAndItsServices() throws Exception {
        RunCommand run = RunCommand.start();
        try {
            Path cli = Path.of(System.getProperty("jboss.home"), "bin", "jboss-cli.sh");
            ProcessBuilder shutdown = new ProcessBuilder("sh", cli.toString(), "-c",
                    "--controller=127.0.0.1:" + (9990 + ServerPorts.offset()), "--command=:shutdown");
            shutdown.environment().put("JBOSS_HOME", System.getProperty("jboss.home"));
            Finished management = finish(shutdown, 60);
            assertThat(management.status()).as(management.output()).isZero();

            assertThat(run.process.waitFor(30, TimeUnit.SECONDS)).as("the run command ended: %s", run.output).isTrue();
            assertThat(run.process.exitValue()).as("%s", run.output).isZero();
            assertThat(run.output).anyMatch(line -> line.startsWith("WildFly stopped (exit status 0)"));
            run.assertNothingLeft();
        } finally {
            run.destroy();
        }
    }

    /**
     * A second run command while one runs (another terminal, forgotten): it took the first server's
     * answer for its own ("running ... in 0.5 s") and, when its own WildFly failed on the ports, removed
     * the EAR from the deployments the two share, undeploying the first.
     */
    @Test
    void aSecondRunCommandRefusesToStartAndLeavesTheFirstServing() throws Exception {
        RunCommand first = RunCommand.start();
        try {
            Finished second = finish(new ProcessBuilder(RunCommand.command()), 60);

            assertThat(second.ended()).as(second.output()).isTrue();
            assertThat(second.status()).as(second.output()).isNotZero();
            Path wildfly = Path.of(System.getProperty("jboss.home")).toAbsolutePath();
            assertThat(second.output()).contains("another run command is using " + wildfly)
                    .doesNotContain("Plugin host is running");
            assertThat(Path.of(System.getProperty("jboss.home"), "standalone", "deployments", "pluginhost.ear"))
                    .exists();
            io.pluginhost.it.support.AdminClient admin = new io.pluginhost.it.support.AdminClient(
                    new java.net.URL(ServerPorts.http() + "/pluginhost/"));
            assertThat(admin.json("GET", "api/plugins", null).statusCode()).isEqualTo(200);

            first.interrupt();
            assertThat(first.process.waitFor(15, TimeUnit.SECONDS)).as("%s", first.output).isTrue();
        } finally {
            first.destroy();
        }
    }

    /**
     * A start that fails once Kafka and S3 run (here the EAR's deployment, on a setting it cannot read):
     * the run command printed nothing and never ended, its Kafka and S3 threads keeping its JVM up, with
     * WildFly still running beside the failed deployment.
     */
    @Test
    void aStartThatFailsSaysWhyAndLeavesNothingRunning() throws Exception {
        ProcessBuilder command = new ProcessBuilder(RunCommand.command());
        command.environment().put("PREPEND_JAVA_OPTS", "-XX:TieredStopAtLevel=1 -Dpluginhost.events.heartbeat=soon");

        Finished run = finish(command, 120);

        assertThat(run.ended()).as("the run command ended: %s", run.output()).isTrue();
        assertThat(run.status()).as(run.output()).isNotZero();
        assertThat(run.output()).contains("the EAR failed to deploy", "pluginhost.events.heartbeat", "soon")
                .doesNotContain("Plugin host is running");
        assertNoWildFlyPort();
        try (var files = java.nio.file.Files.list(Path.of(System.getProperty("jboss.home"), "standalone",
                "deployments"))) {
            assertThat(files.map(f -> f.getFileName().toString())).noneMatch(f -> f.startsWith("pluginhost.ear"));
        }
    }

    /** Nothing listens on WildFly's ports at this run's offset. */
    private static void assertNoWildFlyPort() {
        for (int port : WildFlyPorts.ports(ServerPorts.offset())) {
            assertThat(listening(port)).as("WildFly's port %d free", port).isFalse();
        }
    }

    /** A command that ran to its end, or was killed at its time limit ({@code ended} false). */
    private record Finished(boolean ended, int status, String output) {
    }

    /** Runs a command to its end, killing it after {@code seconds}; its output goes through a file, not a pipe. */
    private static Finished finish(ProcessBuilder command, int seconds) throws Exception {
        Path log = java.nio.file.Files.createTempFile("run-command-it", ".log");
        try {
            Process process = command.redirectErrorStream(true).redirectOutput(log.toFile()).start();
            boolean ended = process.waitFor(seconds, TimeUnit.SECONDS);
            if (!ended) {
                process.descendants().forEach(ProcessHandle::destroyForcibly); // a WildFly it started
                process.destroyForcibly().waitFor();
            }
            return new Finished(ended, process.exitValue(), java.nio.file.Files.readString(log));
        } finally {
            java.nio.file.Files.delete(log);
        }
    }

    /** The run command started as an operator starts it, once it says it is running. */
    private static final class RunCommand {

        final Process process;
        final List<String> output = java.util.Collections.synchronizedList(new ArrayList<>());
        final List<ProcessHandle> tree = new ArrayList<>();
        final List<Integer> servicePorts = new ArrayList<>();

        private RunCommand(Process process) {
            this.process = process;
        }

        /**
         * The README's run command, as {@code mvn -pl ear exec:java@run} runs it, on this run's port offset
         * ({@code mvn -Djboss.socket.binding.port-offset=...}), so that it does not collide with another
         * server, or another test run, on WildFly's own ports.
         */
        static List<String> command() {
            return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-D" + WildFlyPorts.OFFSET_PROPERTY + "=" + ServerPorts.offset(), "-cp",
                    System.getProperty("java.class.path"), DevHost.class.getName(), System.getProperty("jboss.home"),
                    System.getProperty("pluginhost.ear"), System.getProperty("pluginhost.plugin-dir"));
        }

        static RunCommand start() throws Exception {
            RunCommand run = new RunCommand(new ProcessBuilder(command()).redirectErrorStream(true).start());
            CountDownLatch running = new CountDownLatch(1);
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(run.process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line; (line = in.readLine()) != null; ) {
                        run.output.add(line);
                        if (line.startsWith("Plugin host is running")) {
                            System.out.println("run command: " + line);
                        } else if (line.startsWith("Press Ctrl-C")) { // the last line of the "running" message
                            running.countDown();
                        }
                    }
                } catch (IOException ended) {
                    // the process is gone
                }
            }, "run-command-output");
            reader.setDaemon(true);
            reader.start();
            try {
                assertThat(running.await(240, TimeUnit.SECONDS)).as("running within 4 minutes: %s", run.output)
                        .isTrue();
            } catch (AssertionError | InterruptedException e) {
                run.destroy();
                throw e;
            }
            run.tree.add(run.process.toHandle());
            run.process.descendants().forEach(run.tree::add);
            assertThat(run.tree).as("the run command and WildFly's processes").hasSizeGreaterThan(1);
            // "  Kafka 127.0.0.1:34601, S3 http://127.0.0.1:46297, H2 ExampleDS"
            java.util.regex.Matcher ports = java.util.regex.Pattern.compile("Kafka 127\\.0\\.0\\.1:(\\d+), S3 "
                    + "http://127\\.0\\.0\\.1:(\\d+)").matcher(String.join("\n", run.output));
            assertThat(ports.find()).as("Kafka's and S3's ports in %s", run.output).isTrue();
            run.servicePorts.addAll(List.of(Integer.parseInt(ports.group(1)), Integer.parseInt(ports.group(2))));
            return run;
        }

        /** No process of the run command is alive, and nothing listens on WildFly's, Kafka's and S3's ports. */
        void assertNothingLeft() {
            for (ProcessHandle process : tree) {
                assertThat(process.onExit().isDone() || !process.isAlive()).as("process %d stopped", process.pid())
                        .isTrue();
            }
            assertNoWildFlyPort();
            for (int port : servicePorts) {
                assertThat(listening(port)).as("Kafka's or S3's port %d free", port).isFalse();
            }
        }

        /** Ctrl-C. */
        void interrupt() throws IOException, InterruptedException {
            new ProcessBuilder("kill", "-INT", String.valueOf(process.pid())).start().waitFor();
        }

        void destroy() {
            tree.forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }

    /**
     * Prints (never asserts) how long a small plugin takes from the start of its upload to the answer
     * of its first execute, over REST on the run command's server: the README's upload-to-serving figure.
     */
    private static void measureUploadToServing(java.nio.file.Path dir) throws Exception {
        io.pluginhost.it.support.AdminClient admin = new io.pluginhost.it.support.AdminClient(
                new java.net.URL(ServerPorts.http() + "/pluginhost/"));
        for (int i = 0; i < 5; i++) {
            String name = "timed-" + i;
            byte[] jar = java.nio.file.Files.readAllBytes(io.pluginhost.runtime.testing.PluginJarBuilder.plugin(name)
                    .body("public Object execute(Object in) { return \"served\"; }").build(dir));
            long start = System.nanoTime();
            int uploaded = admin.upload(name + ".jar", jar).statusCode();
            String answer = admin.json("POST", "api/plugins/" + name + "/execute", "null").body();
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            System.out.println("run command: upload to serving of " + jar.length + " bytes: " + millis + " ms ("
                    + uploaded + ", " + answer + ")");
            admin.json("DELETE", "api/plugins/" + name, null);
            admin.json("DELETE", "api/jars/" + name + ".jar", null);
        }
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
