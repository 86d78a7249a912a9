package io.pluginhost.runtime;

import io.pluginhost.runtime.testing.Gc;
import io.pluginhost.runtime.testing.PluginJarBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.pluginhost.runtime.PluginSchedulerTest.command;
import static io.pluginhost.runtime.PluginSchedulerTest.next;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tasks on one node of a cluster ({@code scheduleOnOneNode}): two engines in one JVM are two nodes that share
 * a small store of leases (who holds each; the database's store, with its lapses, is tested against real
 * databases in resource-database). Driven by what the store was asked, and by queues: no timing.
 */
class OneNodeTaskTest {

    @TempDir
    Path dir;
    /** The sweeper's jar, built once per test. */
    private Path sweeper;

    /**
     * {@code sweeper}: execute({command, queue, latch}). "one node": schedules task "sweep" on one node, every
     * 10 ms, putting "run" in the queue; "blocking": the same, whose run puts "started" and waits for the
     * latch; "every": an ordinary task every 10 ms putting "tick"; "cancel": cancels the last task scheduled;
     * "name x": schedules a task named x on one node an hour away and returns "ok", or the refusal's message.
     */
    private Path sweeper() {
        return PluginJarBuilder.plugin("sweeper").body("""
                private final List<PluginScheduler.ScheduledTask> scheduled = new ArrayList<>();
                private PluginContext context;
                public void initialize(PluginContext context) {
                    this.context = context;
                }
                @SuppressWarnings("unchecked")
                public Object execute(Object in) throws Exception {
                    Object[] args = (Object[]) in;
                    String command = (String) args[0];
                    java.util.Queue<Object> out = (java.util.Queue<Object>) args[1];
                    PluginScheduler scheduler = context.scheduler();
                    java.time.Duration often = java.time.Duration.ofMillis(10);
                    java.time.Duration hour = java.time.Duration.ofHours(1);
                    switch (command) {
                        case "one node" -> scheduled.add(scheduler.scheduleOnOneNode("sweep", java.time.Duration.ZERO,
                                often, () -> out.add("run")));
                        case "blocking" -> scheduled.add(scheduler.scheduleOnOneNode("sweep", java.time.Duration.ZERO,
                                often, () -> {
                                    out.add("started");
                                    try {
                                        ((java.util.concurrent.CountDownLatch) args[2]).await();
                                    } catch (InterruptedException e) {
                                        Thread.currentThread().interrupt();
                                    }
                                }));
                        case "every" -> scheduled.add(scheduler.scheduleAtFixedRate(java.time.Duration.ZERO, often,
                                () -> out.add("tick")));
                        case "cancel" -> scheduled.remove(scheduled.size() - 1).cancel();
                        default -> {
                            try {
                                scheduled.add(scheduler.scheduleOnOneNode(command.substring(5), hour, hour, () -> { }));
                                return "ok";
                            } catch (io.pluginhost.api.exception.InvalidArgumentException e) {
                                return e.getMessage();
                            }
                        }
                    }
                    return command;
                }""").build(dir);
    }

    /**
     * Leases as nodes sharing a database see them, without the clock: who holds each. Each answer is put in
     * {@link #answers} ("a took", "b refused", "a renewed", "a released", "a failed"); while {@link #failing}
     * every ask throws, while {@link #hang} is set every ask waits for it ("a hangs"), and while
     * {@link #releaseHang} is set every release waits for it ("a releasing").
     */
    private static final class SharedLeases {
        final Map<String, String> holders = new ConcurrentHashMap<>();
        final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
        final AtomicInteger asking = new AtomicInteger();
        volatile boolean failing;
        volatile CountDownLatch hang;
        volatile CountDownLatch releaseHang;
        volatile Duration lastHold;

        TaskLeases node(String node) {
            return new TaskLeases() {
                @Override
                public boolean hold(String plugin, String task, Duration hold) throws Exception {
                    asking.incrementAndGet();
                    try {
                        CountDownLatch waitFor = hang;
                        if (waitFor != null) {
                            answers.add(node + " hangs");
                            waitFor.await();
                        }
                        if (failing) {
                            answers.add(node + " failed");
                            throw new java.sql.SQLException("connection refused");
                        }
                        lastHold = hold;
                        synchronized (holders) {
                            String holder = holders.putIfAbsent(plugin + "/" + task, node);
                            answers.add(node + (holder == null ? " took" : node.equals(holder) ? " renewed"
                                    : " refused"));
                            return holder == null || holder.equals(node);
                        }
                    } finally {
                        asking.decrementAndGet();
                    }
                }

                @Override
                public void release(String plugin, String task) throws InterruptedException {
                    CountDownLatch waitFor = releaseHang;
                    if (waitFor != null) {
                        answers.add(node + " releasing");
                        waitFor.await();
                    }
                    if (holders.remove(plugin + "/" + task, node)) {
                        answers.add(node + " released");
                    }
                }
            };
        }

        /** Waits for the answer, passing over others; fails after 30 s. */
        void await(String answer) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            List<String> passed = new ArrayList<>();
            while (true) {
                String next = answers.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                assertThat(next).as("no '%s' in 30 s; the last of %d others: %s", answer, passed.size(),
                        passed.subList(Math.max(0, passed.size() - 5), passed.size())).isNotNull();
                if (next.equals(answer)) {
                    return;
                }
                passed.add(next);
            }
        }
    }

    /** @return an engine, one node of the cluster, with the sweeper loaded */
    private ModuleLayerPluginManager node(TaskLeases leases) {
        if (sweeper == null) {
            sweeper = sweeper();
        }
        ModuleLayerPluginManager node = new ModuleLayerPluginManager(HostServices.NONE.withTaskLeases(leases),
                Duration.ofSeconds(5));
        try {
            node.load(sweeper);
            return node;
        } catch (RuntimeException e) {
            node.close();
            throw e;
        }
    }

    @Test
    void theNodeThatHoldsTheLeaseRunsTheTaskAndWhenItUnloadsThePluginAnotherTakesOverAndTheFirstLoaderGoes()
            throws Exception {
        SharedLeases leases = new SharedLeases();
        try (ModuleLayerPluginManager a = node(leases.node("a"));
             ModuleLayerPluginManager b = node(leases.node("b"))) {
            BlockingQueue<Object> runsOnA = new LinkedBlockingQueue<>();
            BlockingQueue<Object> runsOnB = new LinkedBlockingQueue<>();
            a.execute("sweeper", command("one node", runsOnA));
            leases.await("a took");
            assertThat(next(runsOnA)).isEqualTo("run");
            assertThat(leases.lastHold).as("the period and 30 s").isEqualTo(Duration.ofMillis(30_010));

            b.execute("sweeper", command("one node", runsOnB));
            leases.await("b refused");
            leases.await("a renewed");
            leases.await("b refused");
            assertThat(next(runsOnA)).isEqualTo("run");
            assertThat(runsOnB).as("runs on the node without the lease").isEmpty();

            a.unload("sweeper");
            leases.await("a released");
            leases.await("b took");
            assertThat(next(runsOnB)).isEqualTo("run");
            assertThat(Gc.collectsAll(a::unloadedButNotCollected)).as("loaders collected: still alive %s",
                    a.unloadedButNotCollected()).isTrue();
        }
    }

    /** A run longer than the period keeps the lease: its node renews it at each time the run skips. */
    @Test
    void aLongRunRenewsTheLeaseAtEachTimeAndNoSecondRunStarts() throws Exception {
        SharedLeases leases = new SharedLeases();
        try (ModuleLayerPluginManager a = node(leases.node("a"));
             ModuleLayerPluginManager b = node(leases.node("b"))) {
            BlockingQueue<Object> runsOnA = new LinkedBlockingQueue<>();
            BlockingQueue<Object> runsOnB = new LinkedBlockingQueue<>();
            CountDownLatch end = new CountDownLatch(1);
            try {
                a.execute("sweeper", new Object[] {"blocking", runsOnA, end});
                assertThat(next(runsOnA)).isEqualTo("started");
                b.execute("sweeper", new Object[] {"blocking", runsOnB, end});
                for (int i = 0; i < 3; i++) {
                    leases.await("a renewed");
                    leases.await("b refused");
                }
                assertThat(runsOnA).as("a second run beside the first").isEmpty();
                assertThat(runsOnB).isEmpty();
            } finally {
                end.countDown();
            }
            assertThat(next(runsOnA)).isEqualTo("started");
        }
    }

    /**
     * A suspended node gives its leases up, so another runs the tasks meanwhile; at the resume its held time
     * asks again and is refused.
     */
    @Test
    void aSuspendedNodeGivesItsLeaseUpAndAnotherRunsTheTaskMeanwhile() throws Exception {
        SharedLeases leases = new SharedLeases();
        try (ModuleLayerPluginManager a = node(leases.node("a"));
             ModuleLayerPluginManager b = node(leases.node("b"))) {
            BlockingQueue<Object> runsOnA = new LinkedBlockingQueue<>();
            BlockingQueue<Object> runsOnB = new LinkedBlockingQueue<>();
            a.execute("sweeper", command("one node", runsOnA));
            assertThat(next(runsOnA)).isEqualTo("run");
            b.execute("sweeper", command("one node", runsOnB));
            leases.await("b refused");

            a.suspend();
            leases.await("a released");
            leases.await("b took");
            assertThat(next(runsOnB)).isEqualTo("run");
            runsOnA.clear(); // a run that had started before the suspend

            a.resume();
            leases.await("a refused");
            assertThat(runsOnA).as("a run on the suspended node after the resume").isEmpty();
        }
    }

    /**
     * A release and the next ask of one task reach the store in order: an ask that overtook the release (a
     * resume right after a suspend) would have it undo the lease the ask just took or renewed, and the node
     * would run the task while another node may take it.
     */
    @Test
    void noAskOvertakesTheReleaseBeforeIt() throws Exception {
        SharedLeases leases = new SharedLeases();
        try (ModuleLayerPluginManager a = node(leases.node("a"))) {
            BlockingQueue<Object> runs = new LinkedBlockingQueue<>();
            BlockingQueue<Object> ticks = new LinkedBlockingQueue<>();
            a.execute("sweeper", command("one node", runs));
            leases.await("a took");
            CountDownLatch releaseHang = new CountDownLatch(1);
            leases.releaseHang = releaseHang;
            try {
                a.suspend();
                leases.await("a releasing");
                a.resume();
                a.execute("sweeper", command("every", ticks));
                for (int i = 0; i < 10; i++) { // ten times of the other task, about as many of this one
                    assertThat(next(ticks)).isEqualTo("tick");
                }
                assertThat(leases.answers).as("asks while the release is in progress").isEmpty();
            } finally {
                releaseHang.countDown();
            }
            leases.await("a released");
            leases.await("a took");
        }
    }

    /** A store that cannot be asked runs nothing: two nodes could not tell which of them runs. */
    @Test
    void whileTheStoreCannotBeAskedNoRunStartsAndTheTaskRunsOnceItCanBe() throws Exception {
        SharedLeases leases = new SharedLeases();
        leases.failing = true;
        try (ModuleLayerPluginManager a = node(leases.node("a"))) {
            BlockingQueue<Object> runs = new LinkedBlockingQueue<>();
            a.execute("sweeper", command("one node", runs));
            for (int i = 0; i < 3; i++) {
                leases.await("a failed");
            }
            assertThat(runs).as("a run without the lease").isEmpty();

            leases.failing = false;
            leases.await("a took");
            assertThat(next(runs)).isEqualTo("run");
        }
    }

    /** A store that hangs holds one call per task, not one per time (a thread each). */
    @Test
    void aStoreThatHangsIsAskedOnceAtATimePerTaskAndAnUnloadDoesNotWaitForIt() throws Exception {
        SharedLeases leases = new SharedLeases();
        CountDownLatch hang = new CountDownLatch(1);
        leases.hang = hang;
        try (ModuleLayerPluginManager a = node(leases.node("a"))) {
            BlockingQueue<Object> ticks = new LinkedBlockingQueue<>();
            BlockingQueue<Object> runs = new LinkedBlockingQueue<>();
            try {
                a.execute("sweeper", command("one node", runs));
                leases.await("a hangs");
                a.execute("sweeper", command("every", ticks));
                for (int i = 0; i < 10; i++) { // ten times of the other task, about as many of this one
                    assertThat(next(ticks)).isEqualTo("tick");
                }
                assertThat(leases.asking.get()).as("calls to the store in progress").isEqualTo(1);

                a.unload("sweeper");
            } finally {
                hang.countDown();
            }
            assertThat(runs).as("a run of an unloaded plugin").isEmpty();
        }
    }

    @Test
    void aTaskOnOneNodeHasAWellFormedNameUnusedByTheOthersOfThePlugin() throws Exception {
        try (ModuleLayerPluginManager a = node(TaskLeases.ALONE)) {
            BlockingQueue<Object> unused = new LinkedBlockingQueue<>();

            assertThat(a.execute("sweeper", command("name nightly-report.v2", unused))).isEqualTo("ok");
            assertThat((String) a.execute("sweeper", command("name nightly-report.v2", unused)))
                    .contains("plugin 'sweeper' has a task 'nightly-report.v2' on one node already");
            a.execute("sweeper", command("cancel", unused));
            assertThat(a.execute("sweeper", command("name nightly-report.v2", unused))).as("once cancelled")
                    .isEqualTo("ok");
            for (String bad : List.of("", "two words", "x".repeat(101), "semi;colon", "ünïcode")) {
                assertThat((String) a.execute("sweeper", command("name " + bad, unused))).as(bad)
                        .contains("a task's name is 1 to 100 letters, digits");
            }
            assertThat(a.get("sweeper").scheduledTasks()).isEqualTo(1);
        }
    }
}
