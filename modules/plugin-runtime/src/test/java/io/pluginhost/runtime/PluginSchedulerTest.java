package io.pluginhost.runtime;

import io.pluginhost.api.exception.PluginException;
import io.pluginhost.api.exception.PluginExecutionException;
import io.pluginhost.api.exception.PluginUnloadException;
import io.pluginhost.runtime.resource.ResourceScope;
import io.pluginhost.runtime.testing.FakeDatabase;
import io.pluginhost.runtime.testing.Gc;
import io.pluginhost.runtime.testing.PluginJarBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A plugin's scheduled tasks ({@code context.scheduler()}): runs as the plugin's code, reported failures,
 * unload waiting for a run and leaving nothing of the plugin on the engine's timer. Driven by queues and
 * latches the test hands the plugin through {@code execute}: no sleeps, no timing.
 */
class PluginSchedulerTest {

    @TempDir
    Path dir;

    /**
     * {@code ticker}: execute({command, queue, latch}). "every": every 10 ms, puts "&lt;context loader is the
     * plugin's&gt; &lt;thread&gt;" in the queue; "flaky": every 10 ms, throws on odd runs and puts "run n" on even
     * ones; "blocking": puts "started" and waits for the latch; "fill n": schedules n tasks an hour away;
     * "cancel last": cancels the last of those; "fast": asks for a 1 ms period; "forever": schedules a task and
     * a periodic one {@code Long.MAX_VALUE} seconds away, more than the JDK's clock counts in nanoseconds, and
     * one that runs now and then every {@code Long.MAX_VALUE} seconds, putting "once" in the queue; "soon":
     * schedules a task that runs now, once, putting "soon" in the queue (kept for "cancel last"). In
     * initialize it keeps itself in an inheritable thread local and schedules a task an hour away, so the
     * engine's timer thread is made on the plugin's thread.
     */
    private Path ticker() {
        return PluginJarBuilder.plugin("ticker").body("""
                private static final InheritableThreadLocal<Object> MINE = new InheritableThreadLocal<>();
                private final java.util.concurrent.atomic.AtomicInteger runs =
                        new java.util.concurrent.atomic.AtomicInteger();
                private final List<PluginScheduler.ScheduledTask> filled = new ArrayList<>();
                private PluginContext context;
                public void initialize(PluginContext context) {
                    this.context = context;
                    MINE.set(this);
                    context.scheduler().schedule(java.time.Duration.ofHours(1), () -> { });
                }
                @SuppressWarnings("unchecked")
                public Object execute(Object in) throws Exception {
                    Object[] args = (Object[]) in;
                    String command = (String) args[0];
                    java.util.Queue<Object> out = (java.util.Queue<Object>) args[1];
                    PluginScheduler scheduler = context.scheduler();
                    java.time.Duration often = java.time.Duration.ofMillis(10);
                    switch (command) {
                        case "every" -> scheduler.scheduleAtFixedRate(java.time.Duration.ZERO, often, () -> out.add(
                                (Thread.currentThread().getContextClassLoader() == getClass().getClassLoader())
                                + " " + Thread.currentThread().getName()));
                        case "flaky" -> scheduler.scheduleAtFixedRate(java.time.Duration.ZERO, often, () -> {
                            int run = runs.incrementAndGet();
                            if (run % 2 == 1) {
                                throw new IllegalStateException("boom " + run);
                            }
                            out.add("run " + run);
                        });
                        case "blocking" -> scheduler.schedule(java.time.Duration.ZERO, () -> {
                            out.add("started");
                            try {
                                ((java.util.concurrent.CountDownLatch) args[2]).await();
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        });
                        case "cancel last" -> filled.remove(filled.size() - 1).cancel();
                        case "soon" -> filled.add(scheduler.schedule(java.time.Duration.ZERO, () -> out.add("soon")));
                        case "fast" -> scheduler.scheduleAtFixedRate(java.time.Duration.ZERO,
                                java.time.Duration.ofMillis(1), () -> { });
                        case "forever" -> {
                            java.time.Duration never = java.time.Duration.ofSeconds(Long.MAX_VALUE);
                            scheduler.schedule(never, () -> out.add("ran"));
                            scheduler.scheduleAtFixedRate(never, never, () -> out.add("ran"));
                            scheduler.scheduleAtFixedRate(java.time.Duration.ZERO, never, () -> out.add("once"));
                        }
                        default -> {
                            for (int i = Integer.parseInt(command.substring(5)); i > 0; i--) {
                                filled.add(scheduler.schedule(java.time.Duration.ofHours(1), () -> { }));
                            }
                        }
                    }
                    return command;
                }""").build(dir);
    }

    static Object[] command(String command, BlockingQueue<Object> out) {
        return new Object[] {command, out, null};
    }

    static Object next(BlockingQueue<Object> queue) throws InterruptedException {
        Object next = queue.poll(30, TimeUnit.SECONDS);
        assertThat(next).as("nothing came in 30 s").isNotNull();
        return next;
    }

    @Test
    void aPeriodicTaskRunsAgainAsThePluginsCodeEachTimeOnAThreadOfItsOwn() throws Exception {
        try (ModuleLayerPluginManager engine = new ModuleLayerPluginManager()) {
            engine.load(ticker());
            BlockingQueue<Object> runs = new LinkedBlockingQueue<>();

            engine.execute("ticker", command("every", runs));

            List<String> threads = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                String run = (String) next(runs);
                assertThat(run).startsWith("true plugin-task-ticker-");
                threads.add(run);
            }
            assertThat(threads).doesNotHaveDuplicates();
        }
    }

    @Test
    void aRunThatThrowsIsReportedAsThePluginsErrorAndTheTaskRunsAgain() throws Exception {
        try (ModuleLayerPluginManager engine = new ModuleLayerPluginManager()) {
            BlockingQueue<PluginException> failures = new LinkedBlockingQueue<>();
            engine.addLifecycleListener(new PluginLifecycleListener() {
                @Override
                public void pluginFailed(String pluginName, Path source, PluginException error) {
                    failures.add(error);
                }
            });
            engine.load(ticker());
            BlockingQueue<Object> runs = new LinkedBlockingQueue<>();

            engine.execute("ticker", command("flaky", runs));

            assertThat(next(runs)).isEqualTo("run 2");
            assertThat(failures.poll(30, TimeUnit.SECONDS)).isInstanceOf(PluginExecutionException.class)
                    .hasMessageContaining("plugin 'ticker' failed in a scheduled task")
                    .hasMessageContaining("boom 1");
            assertThat(next(runs)).isEqualTo("run 4");
        }
    }

    @Test
    void anUnloadWaitsForARunInFlightAndLeavesNothingOfThePluginOnTheTimer() throws Exception {
        try (ModuleLayerPluginManager engine = new ModuleLayerPluginManager(HostServices.NONE,
                Duration.ofMillis(200))) {
            engine.load(ticker()); // its initialize made the timer's thread, with its inheritable thread local
            BlockingQueue<Object> runs = new LinkedBlockingQueue<>();
            CountDownLatch release = new CountDownLatch(1);
            engine.execute("ticker", command("every", new LinkedBlockingQueue<>()));
            try {
                engine.execute("ticker", new Object[] {"blocking", runs, release});
                assertThat(next(runs)).isEqualTo("started");

                // The run is a call into the plugin: the unload waited for it (200 ms here) and left it loaded.
                assertThatThrownBy(() -> engine.unload("ticker")).isInstanceOf(PluginUnloadException.class)
                        .hasMessageContaining("call(s) in progress");
            } finally {
                release.countDown();
            }
            engine.unload("ticker");

            assertThat(Gc.collectsAll(engine::unloadedButNotCollected)).as("loaders collected: still alive %s",
                    engine.unloadedButNotCollected()).isTrue();
        }
    }

    @Test
    void aPluginHoldsAtMost64TasksAndAPeriodOfAtLeast10Ms() {
        try (ModuleLayerPluginManager engine = new ModuleLayerPluginManager()) {
            engine.load(ticker());
            BlockingQueue<Object> unused = new LinkedBlockingQueue<>();
            engine.execute("ticker", command("fill 63", unused)); // and the one of initialize

            assertThatThrownBy(() -> engine.execute("ticker", command("fill 1", unused)))
                    .isInstanceOf(PluginExecutionException.class)
                    .hasMessageContaining("plugin 'ticker' holds 64 scheduled tasks, the most a plugin may");
            assertThat(engine.get("ticker").scheduledTasks()).isEqualTo(64);
            engine.execute("ticker", command("cancel last", unused));
            assertThat(engine.get("ticker").scheduledTasks()).isEqualTo(63);
            engine.execute("ticker", command("fill 1", unused)); // a cancelled task frees its place
            assertThatThrownBy(() -> engine.execute("ticker", command("fast", unused)))
                    .isInstanceOf(PluginExecutionException.class)
                    .hasMessageContaining("a task's period is at least 10 ms");
        }
    }

    /** As far away as a Duration goes is never, not an ArithmeticException that leaves a task counted. */
    @Test
    void aDelayOrPeriodBeyondWhatTheClockCountsMeansNever() throws Exception {
        try (ModuleLayerPluginManager engine = new ModuleLayerPluginManager()) {
            engine.load(ticker());
            BlockingQueue<Object> out = new LinkedBlockingQueue<>();
            engine.execute("ticker", command("forever", out));
            assertThat(engine.get("ticker").scheduledTasks()).isEqualTo(4); // and the one of initialize
            assertThat(next(out)).isEqualTo("once");
            assertThat(out.poll(500, TimeUnit.MILLISECONDS)).as("a second run, long before its time").isNull();
        }
    }

    /**
     * As WildFly's EJB timers across {@code :suspend}: nothing starts while suspended, and what came due
     * runs once at the resume, however often it came due (a 10 ms task, for half a second).
     */
    @Test
    void whileSuspendedNoTaskStartsAndEachThatCameDueRunsOnceAtTheResume() throws Exception {
        try (ModuleLayerPluginManager engine = new ModuleLayerPluginManager()) {
            engine.load(ticker());
            BlockingQueue<Object> runs = new LinkedBlockingQueue<>();

            assertThat(engine.suspend()).isTrue();
            assertThat(engine.suspend()).as("suspended already").isFalse();
            assertThat(engine.isSuspended()).isTrue();
            engine.execute("ticker", command("every", runs));
            engine.execute("ticker", command("soon", runs));
            assertThat(runs.poll(500, TimeUnit.MILLISECONDS)).as("a run while suspended").isNull();

            assertThat(engine.resume()).isTrue();
            assertThat(engine.resume()).as("running already").isFalse();
            List<Object> after = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                after.add(next(runs));
            }
            assertThat(after).filteredOn("soon"::equals).as("the one-shot task, once").hasSize(1);
            assertThat(after).filteredOn(run -> !run.equals("soon"))
                    .allSatisfy(run -> assertThat((String) run).startsWith("true plugin-task-ticker-"));
            assertThat(engine.isSuspended()).isFalse();
        }
    }

    @Test
    void aTaskCancelledWhileHeldNeverRunsAndAPluginUnloadedWhileSuspendedIsNotKeptByItsHeldTasks()
            throws Exception {
        try (ModuleLayerPluginManager engine = new ModuleLayerPluginManager()) {
            engine.load(ticker());
            BlockingQueue<Object> runs = new LinkedBlockingQueue<>();
            engine.suspend();
            engine.execute("ticker", command("every", runs));
            engine.execute("ticker", command("soon", runs));
            engine.execute("ticker", command("soon", runs));
            assertThat(runs.poll(500, TimeUnit.MILLISECONDS)).as("a run while suspended").isNull();

            engine.execute("ticker", command("cancel last", runs)); // held by now, as the other two are
            engine.unload("ticker");

            assertThat(Gc.collectsAll(engine::unloadedButNotCollected)).as("loaders collected: still alive %s",
                    engine.unloadedButNotCollected()).isTrue();
            engine.resume();
            assertThat(runs.poll(500, TimeUnit.MILLISECONDS)).as("a run of an unloaded plugin").isNull();
        }
    }

    /**
     * A container's count of background work (in WildFly, requests of its request controller, which a suspend
     * waits for): a run is in it from before the plugin's code starts until that code has returned.
     */
    @Test
    void aRunIsCountedAsTheContainersBackgroundWorkUntilThePluginsCodeReturns() throws Exception {
        AtomicInteger inProgress = new AtomicInteger();
        BlockingQueue<Integer> ended = new LinkedBlockingQueue<>();
        BackgroundWork count = () -> {
            inProgress.incrementAndGet();
            AtomicBoolean closed = new AtomicBoolean();
            return Optional.of(() -> {
                if (closed.compareAndSet(false, true)) {
                    ended.add(inProgress.decrementAndGet());
                }
            });
        };
        try (ModuleLayerPluginManager engine = new ModuleLayerPluginManager(
                HostServices.NONE.withBackgroundWork(count), Duration.ofSeconds(5))) {
            engine.load(ticker());
            BlockingQueue<Object> runs = new LinkedBlockingQueue<>();
            CountDownLatch release = new CountDownLatch(1);

            engine.execute("ticker", new Object[] {"blocking", runs, release});
            assertThat(next(runs)).isEqualTo("started");
            assertThat(inProgress.get()).as("counted while the plugin's code runs").isEqualTo(1);
            assertThat(ended).isEmpty();

            release.countDown();
            assertThat(ended.poll(30, TimeUnit.SECONDS)).as("the count once the run returned").isEqualTo(0);
        }
    }

    /**
     * A container that refuses work is suspending: the host suspends the engine as it refuses (in WildFly, the
     * managed executor refuses before the host reads the server's state), so the run is held for the resume,
     * once. One that refuses while the engine is not suspended sheds load: the run is tried again shortly.
     */
    @Test
    void aRunTheContainerRefusesIsHeldForTheResumeOrTriedAgainWhenTheEngineIsNotSuspended() throws Exception {
        AtomicReference<ModuleLayerPluginManager> host = new AtomicReference<>();
        AtomicBoolean suspending = new AtomicBoolean();
        AtomicInteger shedding = new AtomicInteger();
        AtomicInteger asked = new AtomicInteger();
        BackgroundWork count = () -> {
            asked.incrementAndGet();
            if (suspending.get()) {
                host.get().suspend();
                return Optional.empty();
            }
            return shedding.getAndDecrement() > 0 ? Optional.empty() : Optional.of(BackgroundWork.Counted.NOTHING);
        };
        try (ModuleLayerPluginManager engine = new ModuleLayerPluginManager(
                HostServices.NONE.withBackgroundWork(count), Duration.ofSeconds(5))) {
            host.set(engine);
            engine.load(ticker());
            BlockingQueue<Object> runs = new LinkedBlockingQueue<>();

            suspending.set(true);
            engine.execute("ticker", command("soon", runs));
            assertThat(runs.poll(500, TimeUnit.MILLISECONDS)).as("a run the container refused").isNull();
            assertThat(engine.isSuspended()).isTrue();
            suspending.set(false);
            engine.resume();
            assertThat(next(runs)).isEqualTo("soon");
            assertThat(runs.poll(300, TimeUnit.MILLISECONDS)).as("a second run").isNull();

            asked.set(0);
            shedding.set(2);
            engine.execute("ticker", command("soon", runs));
            assertThat(next(runs)).isEqualTo("soon");
            assertThat(asked.get()).as("asked until the container took it").isEqualTo(3);
            assertThat(engine.isSuspended()).isFalse();
        }
    }

    /** A count that fails, rather than refuses, ends no task: the JDK's timer drops a periodic one whose step threw. */
    @Test
    void aContainersCountThatFailsLetsTheRunsGoOnUncounted() throws Exception {
        BackgroundWork broken = () -> {
            throw new IllegalStateException("the executor is gone");
        };
        try (ModuleLayerPluginManager engine = new ModuleLayerPluginManager(
                HostServices.NONE.withBackgroundWork(broken), Duration.ofSeconds(5))) {
            engine.load(ticker());
            BlockingQueue<Object> runs = new LinkedBlockingQueue<>();

            engine.execute("ticker", command("every", runs));

            for (int i = 0; i < 3; i++) {
                assertThat((String) next(runs)).startsWith("true plugin-task-ticker-");
            }
        }
    }

    /** The repositories hear of it through their scope: a Kafka consumer hands over nothing while suspended. */
    @Test
    void aRepositorysScopeSaysWhetherTheEngineIsSuspended() {
        List<ResourceScope> scopes = new ArrayList<>();
        FakeDatabase database = new FakeDatabase();
        try (ModuleLayerPluginManager engine = new ModuleLayerPluginManager(HostServices.NONE.withDatabase(scope -> {
            scopes.add(scope);
            return database.open(scope);
        }), Duration.ofSeconds(5))) {
            engine.load(ticker());
            ResourceScope scope = scopes.get(0);
            assertThat(scope.suspended()).isFalse();

            engine.suspend();
            assertThat(scope.suspended()).isTrue();
            engine.resume();
            assertThat(scope.suspended()).isFalse();
        }
        assertThat(ResourceScope.of("outside", null, (what, e) -> { }).suspended()).as("outside an engine").isFalse();
    }
}
