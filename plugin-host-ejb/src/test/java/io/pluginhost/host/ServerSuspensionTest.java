package io.pluginhost.host;

import org.junit.jupiter.api.Test;

import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * WildFly's suspend, as the host follows it: a suspend waits for the requests in progress (an event stream
 * never ends by itself), and the plugins' background work is held through it, as WildFly holds its own
 * timers and message-driven beans.
 */
class ServerSuspensionTest {

    private static final ThreadFactory THREADS = Thread::new;
    private static final Duration OFTEN = Duration.ofMillis(5);

    private static Boolean next(BlockingQueue<Boolean> changes) throws InterruptedException {
        Boolean change = changes.poll(30, TimeUnit.SECONDS);
        assertThat(change).as("nothing handed on in 30 s").isNotNull();
        return change;
    }

    /** Takes what was handed on until the server runs again: reads from before the resume say it did not. */
    private static void awaitRunning(BlockingQueue<Boolean> changes) throws InterruptedException {
        while (!next(changes)) {
            // a read from before the resume
        }
    }

    /**
     * Not running is handed on at each read: a resume and a new suspend between two reads (CI, under
     * rbac: 20 ms apart) left an event stream opened in between, which read "running", open, and the
     * second suspend waited for it.
     */
    @Test
    void aServerNotRunningIsHandedOnAtEachReadAndOneRunningAgainOnce() throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        BlockingQueue<Boolean> changes = new LinkedBlockingQueue<>();
        try (ServerSuspension suspension = new ServerSuspension(running::get, OFTEN, THREADS, changes::add)) {
            suspension.start();
            assertThat(changes).as("a server that runs, at the start").isEmpty();

            running.set(false);
            assertThat(next(changes)).isFalse();
            assertThat(next(changes)).as("read again").isFalse();
            assertThat(suspension.running()).isFalse();

            running.set(true);
            awaitRunning(changes);
            assertThat(suspension.running()).isTrue();
            assertThat(changes.poll(200, TimeUnit.MILLISECONDS)).as("running, handed on again").isNull();
        }
    }

    /** A server boots suspended, and one can be suspended when the host is deployed into it. */
    @Test
    void aServerNotRunningAtTheStartIsHandedOnBeforeTheStartReturns() throws Exception {
        AtomicBoolean running = new AtomicBoolean(false);
        BlockingQueue<Boolean> changes = new LinkedBlockingQueue<>();
        try (ServerSuspension suspension = new ServerSuspension(running::get, OFTEN, THREADS, changes::add)) {
            suspension.start();
            assertThat(changes.poll()).as("handed on as it started").isFalse();

            running.set(true);
            awaitRunning(changes);
        }
    }

    @Test
    void aReceiverThatThrowsIsLoggedAndTheNextChangeIsStillHandedOn() throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        BlockingQueue<Boolean> changes = new LinkedBlockingQueue<>();
        try (ServerSuspension suspension = new ServerSuspension(running::get, OFTEN, THREADS, change -> {
            changes.add(change);
            throw new IllegalStateException("a receiver that fails");
        })) {
            suspension.start();
            running.set(false);
            assertThat(next(changes)).isFalse();
            running.set(true);
            awaitRunning(changes);
        }
    }

    @Test
    void theStateIsReadFromTheManagementModelAndOneThatCannotBeReadCountsAsRunning() throws Exception {
        MBeanServer server = MBeanServerFactory.newMBeanServer();
        BooleanSupplier running = ServerSuspension.runningIn(server, null);
        assertThat(running.getAsBoolean()).as("no management model: not WildFly").isTrue();

        AtomicReference<String> state = new AtomicReference<>("RUNNING");
        server.registerMBean(ModelResource.with("suspendState", state::get),
                new ObjectName("jboss.as:management-root=server"));
        assertThat(running.getAsBoolean()).isTrue();
        for (String notRunning : new String[] {"PRE_SUSPEND", "SUSPENDING", "SUSPENDED"}) {
            state.set(notRunning);
            assertThat(running.getAsBoolean()).as(notRunning).isFalse();
        }
        state.set("RUNNING");
        assertThat(running.getAsBoolean()).isTrue();
    }

    /**
     * Under the rbac access-control provider the management model hides its root from the host's thread
     * (WFLYJMX0017, seen in the dev server): the managed executor tells instead, which refuses every task
     * while the server is suspended.
     */
    @Test
    void whereTheModelCannotBeReadTheManagedExecutorTellsWhetherTheServerRuns() {
        AtomicBoolean refusing = new AtomicBoolean();
        AtomicInteger taken = new AtomicInteger();
        Executor managed = task -> {
            if (refusing.get()) {
                throw new RejectedExecutionException("WFLYEE0126: Rejected due to maximum number of requests");
            }
            task.run();
            taken.incrementAndGet();
        };
        BooleanSupplier running = ServerSuspension.runningIn(MBeanServerFactory.newMBeanServer(), managed);

        assertThat(running.getAsBoolean()).isTrue();
        refusing.set(true);
        assertThat(running.getAsBoolean()).isFalse();
        refusing.set(false);
        assertThat(running.getAsBoolean()).isTrue();
        assertThat(taken).hasValue(2);
    }
}
