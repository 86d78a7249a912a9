package io.pluginhost.it;

import io.pluginhost.it.support.AdminClient;
import io.pluginhost.it.support.KnockingPlugin;
import io.pluginhost.it.support.Management;
import io.pluginhost.it.support.NotesPlugin;
import io.pluginhost.it.support.RawEventStream;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.as.arquillian.container.ManagementClient;
import org.jboss.dmr.ModelNode;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A suspend of the server ({@code :suspend}, and the first step of a graceful {@code :shutdown}) waits
 * until the requests in progress have ended. An event stream is a request that never ends by itself: a
 * console left open must not hold a graceful shutdown for its whole timeout, nor for ever with
 * {@code suspend-timeout=-1}. And the server is quiet while suspended: the plugins' scheduled tasks wait
 * for the resume, as WildFly's own timers do, and a suspend waits for a run in progress, as for a request.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class SuspendIT {

    /** Long enough that a suspend that waits for its timeout is told apart from one that does not. */
    private static final int SUSPEND_TIMEOUT_SECONDS = 20;
    /** The end of a chunked body: the chunk before it ends its line, then a chunk of length 0. */
    private static final String LAST_CHUNK = "\r\n0\r\n\r\n";

    @ArquillianResource
    URL base;

    @ArquillianResource
    ManagementClient management;

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return AdminClient.hostEar();
    }

    @AfterEach
    void resume() throws IOException {
        execute(server(":resume"));
    }

    @Test
    void aSuspendEndsTheEventStreamsAndTheyAreServedAgainAfterTheResume() throws Exception {
        try (RawEventStream one = RawEventStream.open(base, 0); RawEventStream two = RawEventStream.open(base, 0)) {
            assertThat(one.refused() || two.refused()).isFalse();

            ModelNode suspend = server(":suspend");
            suspend.get("suspend-timeout").set(SUSPEND_TIMEOUT_SECONDS);
            execute(suspend); // returns once suspended, or after the timeout

            assertThat(execute(server(":read-attribute")).asString())
                    .as("the server's state when the suspend returned").isEqualTo("SUSPENDED");
            assertEnded(one);
            assertEnded(two);
            try (RawEventStream refused = RawEventStream.open(base, 0)) {
                assertThat(refused.refused()).as("a stream asked for while suspended").isTrue();
            }
        }

        execute(server(":resume"));

        try (RawEventStream again = RawEventStream.open(base, 0)) {
            assertThat(again.refused()).as("a stream asked for after the resume").isFalse();
            again.awaitHeartbeats(1);
        }
    }

    /**
     * A suspend lets the requests in progress finish: a plugin's execute that was running when the suspend
     * began still reaches its database, though the server takes no new work meanwhile. The plugin's call
     * connects to the test and waits for a byte: the connection says the call began, the byte releases it
     * once the server is suspending (which the host's ending of an event stream shows).
     */
    @Test
    void aPluginsCallInProgressWhenTheSuspendBeginsStillReachesItsDatabase(@TempDir Path dir) throws Exception {
        try (ServerSocket calls = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            calls.setSoTimeout(30_000);
            String execute = """
                    try (java.net.Socket test = new java.net.Socket("127.0.0.1", %d)) {
                        test.getInputStream().read();
                    } catch (java.io.IOException e) {
                        throw new IllegalStateException(e);
                    }
                    DatabaseRepository db = context.database().orElseThrow();
                    db.executeCommand("DELETE FROM notes WHERE id = $1", 1); // SuspendUnderRbacIT runs it again
                    db.executeCommand("INSERT INTO notes (id, body) VALUES ($1, $2)", 1, "while suspending");
                    return db.executeQuery("SELECT body FROM notes WHERE id = $1", 1);""";
            AdminClient admin = uploaded("drained", NotesPlugin.jar("drained", execute.formatted(calls.getLocalPort()),
                    dir));
            try {
                CompletableFuture<HttpResponse<String>> call = CompletableFuture.supplyAsync(() -> {
                    try {
                        return admin.json("POST", "api/plugins/drained/execute", "null");
                    } catch (Exception e) {
                        throw new CompletionException(e);
                    }
                });
                Future<ModelNode> suspending;
                try (Socket plugin = calls.accept(); RawEventStream witness = RawEventStream.open(base, 0)) {
                    suspending = suspendSeenBy(witness);
                    assertThat(stateAfterPreSuspend()).as("the server waits for the call in progress")
                            .isEqualTo("SUSPENDING");

                    plugin.getOutputStream().write(1);

                    HttpResponse<String> answer = call.get(60, TimeUnit.SECONDS);
                    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
                    assertThat(answer.body()).contains("while suspending");
                }
                assertThat(suspending.get(60, TimeUnit.SECONDS).get("outcome").asString()).isEqualTo("success");
                assertThat(execute(server(":read-attribute")).asString()).isEqualTo("SUSPENDED");
            } finally {
                resumedWithout(admin, "drained");
            }
        }
    }

    /**
     * As WildFly's EJB timers: while the server is suspended a plugin's scheduled task starts no run, and
     * the run that came due meanwhile runs once at the resume. Each run of the plugin's task (every 10 ms)
     * connects to the test and waits for a byte, so the test says when a run ends (a periodic task skips
     * its times while a run is in progress); the host's ending of an event stream shows it heard the suspend.
     */
    @Test
    void aPluginsScheduledTaskStartsNoRunWhileTheServerIsSuspendedAndRunsOnceAtTheResume(@TempDir Path dir)
            throws Exception {
        AdminClient admin = uploaded("ticking", KnockingPlugin.jar("ticking",
                "scheduleAtFixedRate(java.time.Duration.ZERO, java.time.Duration.ofMillis(10), ", dir));
        try {
            try (ServerSocket runs = knockedOnBy(admin, "ticking")) {
                Future<ModelNode> suspending;
                try (Socket inProgress = runs.accept(); RawEventStream witness = RawEventStream.open(base, 0)) {
                    suspending = suspendSeenBy(witness);
                    inProgress.getOutputStream().write(1); // a run in progress goes on, and ends
                }
                assertThat(suspending.get(60, TimeUnit.SECONDS).get("outcome").asString()).isEqualTo("success");
                runs.setSoTimeout(1_000); // a hundred times the task's period
                assertThatThrownBy(runs::accept).as("a run while suspended").isInstanceOf(SocketTimeoutException.class);

                execute(server(":resume"));

                runs.setSoTimeout(30_000);
                try (Socket caughtUp = runs.accept()) {
                    caughtUp.getOutputStream().write(1);
                }
                HttpResponse<String> stopped = admin.json("POST", "api/plugins/ticking/execute", "\"stop\"");
                assertThat(stopped.statusCode()).as(stopped.body()).isEqualTo(200);
            } // closing it resets the connection of a run the test did not take, which ends that run
        } finally {
            resumedWithout(admin, "ticking");
        }
    }

    /**
     * A suspend waits for a plugin's scheduled run in progress, as for a request: the server stays
     * {@code SUSPENDING} while the run goes on after the host heard the suspend, and is {@code SUSPENDED} once
     * it has ended, so that an operator who stops a suspended server cuts no run short.
     */
    @Test
    void aSuspendWaitsForAScheduledRunInProgressUntilItEnds(@TempDir Path dir) throws Exception {
        AdminClient admin = uploaded("awaited", KnockingPlugin.jar("awaited", "schedule(java.time.Duration.ZERO, ",
                dir));
        try (ServerSocket runs = knockedOnBy(admin, "awaited")) {
            Future<ModelNode> suspending;
            try (Socket inProgress = runs.accept(); RawEventStream witness = RawEventStream.open(base, 0)) {
                suspending = suspendSeenBy(witness);
                assertThatThrownBy(() -> suspending.get(2, TimeUnit.SECONDS))
                        .as("a suspend that did not wait for the run").isInstanceOf(TimeoutException.class);
                assertThat(stateAfterPreSuspend()).isEqualTo("SUSPENDING");

                inProgress.getOutputStream().write(1);
            }
            assertThat(suspending.get(60, TimeUnit.SECONDS).get("outcome").asString()).isEqualTo("success");
            assertThat(execute(server(":read-attribute")).asString()).isEqualTo("SUSPENDED");
        } finally {
            resumedWithout(admin, "awaited");
        }
    }

    /** @return a client of the admin API, which uploaded {@code jar} as {@code <name>.jar} */
    private AdminClient uploaded(String name, Path jar) throws Exception {
        AdminClient admin = new AdminClient(base, HttpClient.Version.HTTP_1_1);
        assertThat(admin.upload(name + ".jar", Files.readAllBytes(jar)).statusCode()).isEqualTo(201);
        return admin;
    }

    /** @return where the {@link KnockingPlugin} {@code name}, told to start its task now, knocks */
    private static ServerSocket knockedOnBy(AdminClient admin, String name) throws Exception {
        ServerSocket runs = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        try {
            runs.setSoTimeout(30_000);
            HttpResponse<String> started = admin.json("POST", "api/plugins/" + name + "/execute",
                    "\"" + runs.getLocalPort() + "\"");
            assertThat(started.statusCode()).as(started.body()).isEqualTo(200);
            return runs;
        } catch (Exception | AssertionError e) {
            runs.close();
            throw e;
        }
    }

    /** Resumes the server, and unloads and deletes what {@link #uploaded} uploaded. */
    private void resumedWithout(AdminClient admin, String name) throws Exception {
        execute(server(":resume"));
        admin.json("DELETE", "api/plugins/" + name, null);
        admin.json("DELETE", "api/jars/" + name + ".jar", null);
    }

    /**
     * Begins a suspend and returns once the host heard it: it ended the witness stream, after it suspended
     * the plugins' background work.
     *
     * @return the suspend, which returns once the server is suspended or at its timeout
     */
    private Future<ModelNode> suspendSeenBy(RawEventStream witness) throws IOException {
        ModelNode suspend = server(":suspend");
        suspend.get("suspend-timeout").set(SUSPEND_TIMEOUT_SECONDS);
        Future<ModelNode> suspending = management.getControllerClient().executeAsync(suspend, null);
        assertEnded(witness);
        return suspending;
    }

    /**
     * The server's suspend state once it has left {@code PRE_SUSPEND}: the host may hear the suspend, and end
     * its streams, while WildFly still runs the phase before it counts requests, so a state read right after
     * the witness ended can still be that one. No event tells when it moves on, so this reads it again (each
     * read a round trip to the server), for up to 30 s.
     */
    private String stateAfterPreSuspend() throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String state = execute(server(":read-attribute")).asString();
        while (state.equals("PRE_SUSPEND") && System.nanoTime() < deadline) {
            state = execute(server(":read-attribute")).asString();
        }
        return state;
    }

    /**
     * Reads what is left of the stream until its chunked body's last chunk, or the connection's end: the
     * server ended it. A stream the server does not end within 30 s fails the test (its heartbeats would
     * keep a read with a socket timeout going for ever).
     */
    private static void assertEnded(RawEventStream stream) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        InputStream in = stream.socket().getInputStream();
        StringBuilder tail = new StringBuilder();
        while (true) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            assertThat(left).as("the server did not end the stream in 30 s; it sent %s", tail).isPositive();
            stream.socket().setSoTimeout((int) left);
            int b;
            try {
                b = in.read();
            } catch (SocketTimeoutException stillOpen) {
                continue; // the deadline says so
            }
            if (b < 0) {
                return;
            }
            tail.append((char) b);
            if (tail.length() >= LAST_CHUNK.length()
                    && tail.substring(tail.length() - LAST_CHUNK.length()).equals(LAST_CHUNK)) {
                return;
            }
        }
    }

    /** @param operation {@code :name} on the server's root; {@code :read-attribute} reads its suspend state */
    private static ModelNode server(String operation) {
        ModelNode node = new ModelNode();
        node.get("operation").set(operation.substring(1));
        node.get("address").setEmptyList();
        if (operation.equals(":read-attribute")) {
            node.get("name").set("suspend-state");
        }
        return node;
    }

    private ModelNode execute(ModelNode operation) throws IOException {
        return Management.execute(management, operation);
    }
}
