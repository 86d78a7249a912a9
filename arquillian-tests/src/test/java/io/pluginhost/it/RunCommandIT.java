package io.pluginhost.it;

import io.pluginhost.devservices.DevHost;
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
 * (SIGINT), and find no process of it and nothing listening on WildFly's ports within 15 s.
 */
class RunCommandIT {

    @Test
    void ctrlCStopsWildFlyS3AndKafkaWithin15SecondsLeavingNoProcessAndNoPort() throws Exception {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), DevHost.class.getName(),
                System.getProperty("jboss.home"), System.getProperty("pluginhost.ear"),
                System.getProperty("pluginhost.plugin-dir"));
        Process run = new ProcessBuilder(command).redirectErrorStream(true).start();
        CountDownLatch running = new CountDownLatch(1);
        List<String> output = java.util.Collections.synchronizedList(new ArrayList<>());
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(run.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    output.add(line);
                    if (line.startsWith("Plugin host is running")) {
                        System.out.println("run command: " + line);
                        running.countDown();
                    }
                }
            } catch (IOException ended) {
                // the process is gone
            }
        }, "run-command-output");
        reader.setDaemon(true);
        reader.start();
        List<ProcessHandle> tree = new ArrayList<>();
        try {
            assertThat(running.await(240, TimeUnit.SECONDS)).as("running within 4 minutes: %s", output).isTrue();
            tree.add(run.toHandle());
            run.descendants().forEach(tree::add);
            assertThat(tree).as("the run command and WildFly's processes").hasSizeGreaterThan(1);
            assertThat(listening(8080)).isTrue();
            measureUploadToServing();

            long pressed = System.nanoTime();
            new ProcessBuilder("kill", "-INT", String.valueOf(run.pid())).start().waitFor();

            assertThat(run.waitFor(15, TimeUnit.SECONDS)).as("the run command ended within 15 s: %s", output).isTrue();
            for (ProcessHandle process : tree) {
                assertThat(process.onExit().isDone() || !process.isAlive())
                        .as("process %d stopped", process.pid()).isTrue();
            }
            System.out.println("run command: stopped " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - pressed)
                    + " ms after Ctrl-C");
            assertThat(listening(8080)).as("port 8080 free").isFalse();
            assertThat(listening(9990)).as("port 9990 free").isFalse();
        } finally {
            tree.forEach(ProcessHandle::destroyForcibly);
            run.destroyForcibly();
        }
    }

    /**
     * Prints (never asserts) how long a small plugin takes from the start of its upload to the answer
     * of its first execute, over REST on the run command's server: the README's upload-to-serving figure.
     */
    private static void measureUploadToServing() throws Exception {
        io.pluginhost.it.support.AdminClient admin = new io.pluginhost.it.support.AdminClient(
                new java.net.URL("http://127.0.0.1:8080/pluginhost/"));
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("upload-timing");
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
