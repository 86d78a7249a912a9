package io.pluginhost.runtime;

import io.pluginhost.api.exception.PluginNotFoundException;
import io.pluginhost.api.exception.PluginUnloadException;
import io.pluginhost.runtime.testing.Gc;
import io.pluginhost.runtime.testing.Handoff;
import io.pluginhost.runtime.testing.PluginJarBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PluginConcurrencyTest {

    @TempDir
    Path dir;

    private ModuleLayerPluginManager manager = new ModuleLayerPluginManager();
    private final ExecutorService pool = Executors.newFixedThreadPool(6);

    @AfterEach
    void stop() throws InterruptedException {
        pool.shutdownNow();
        pool.awaitTermination(10, TimeUnit.SECONDS);
        manager.close();
    }

    /**
     * execute works for 2 ms and counts calls in flight; cleanup records how many were in flight.
     * It listens to {@code tick} and answers with {@code tock}, to have events in flight too.
     */
    private Path slowPlugin(String name) {
        return PluginJarBuilder.plugin(name).body("""
                private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
                public void initialize(PluginContext context) {
                    context.eventBus().on("tick", e -> context.eventBus().emit("tock", e.data()));
                    context.eventBus().once("tick", e -> { });
                }
                public Object execute(Object in) throws Exception {
                    inFlight.incrementAndGet();
                    try {
                        long end = System.nanoTime() + 2_000_000;
                        while (System.nanoTime() < end) {
                            Thread.onSpinWait();
                        }
                        return "ok";
                    } finally {
                        inFlight.decrementAndGet();
                    }
                }
                public void cleanup() { System.setProperty("%s.inFlightAtCleanup", String.valueOf(inFlight.get())); }
                """.formatted(name)).build(dir);
    }

    @Test
    void anExecuteRacingAnUnloadGetsAResultOrTheUnloadedErrorAndCleanupWaitsForCallsInFlight() throws Exception {
        manager.load(slowPlugin("racer"));
        AtomicInteger results = new AtomicInteger();
        AtomicInteger unloadedErrors = new AtomicInteger();
        List<Throwable> unexpected = new ArrayList<>();
        CountDownLatch answered = new CountDownLatch(4); // each caller has had a result: all are calling
        List<Future<?>> callers = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            callers.add(pool.submit(() -> {
                for (int i = 0; i < 200; i++) {
                    try {
                        assertThat(manager.execute("racer", i)).isEqualTo("ok");
                        results.incrementAndGet();
                        if (i == 0) {
                            answered.countDown();
                        }
                    } catch (PluginNotFoundException e) {
                        unloadedErrors.incrementAndGet();
                    } catch (Throwable e) {
                        synchronized (unexpected) {
                            unexpected.add(e);
                        }
                    }
                }
            }));
        }
        assertThat(answered.await(30, TimeUnit.SECONDS)).isTrue();

        manager.unload("racer");
        for (Future<?> caller : callers) {
            caller.get(30, TimeUnit.SECONDS);
        }

        assertThat(unexpected).isEmpty();
        assertThat(results.get()).isPositive();
        assertThat(unloadedErrors.get()).isPositive();
        assertThat(results.get() + unloadedErrors.get()).isEqualTo(800);
        assertThat(System.clearProperty("racer.inFlightAtCleanup")).isEqualTo("0");
    }

    /**
     * Plugin "stuck", loaded with a 200 ms drain timeout, and one call of its execute that blocks until
     * {@link #close}: its execute counts {@code stuck.entered} down and waits for {@code stuck.release}.
     */
    private final class StuckCall implements AutoCloseable {

        private final CountDownLatch entered = new CountDownLatch(1);
        private final CountDownLatch release = new CountDownLatch(1);
        private final Future<Object> blocked;

        StuckCall() throws Exception {
            manager.close(); // the test's default engine, replaced by one that drains for 200 ms only
            manager = new ModuleLayerPluginManager(HostServices.NONE, Duration.ofMillis(200));
            manager.load(PluginJarBuilder.plugin("stuck").body("""
                    public void initialize(PluginContext context) {
                        context.eventBus().on("tick", e -> { });
                    }
                    public Object execute(Object in) throws Exception {
                        if ("block".equals(in)) {
                            var properties = System.getProperties();
                            ((java.util.concurrent.CountDownLatch) properties.get("stuck.entered")).countDown();
                            ((java.util.concurrent.CountDownLatch) properties.get("stuck.release")).await();
                        }
                        return "done";
                    }
                    """).build(dir));
            System.getProperties().put("stuck.entered", entered);
            System.getProperties().put("stuck.release", release);
            blocked = pool.submit(() -> manager.execute("stuck", "block"));
            assertThat(entered.await(10, TimeUnit.SECONDS)).as("the call is inside the plugin").isTrue();
        }

        /** @return what the blocked call answered, once released */
        Object released() throws Exception {
            release.countDown();
            return blocked.get(10, TimeUnit.SECONDS);
        }

        @Override
        public void close() {
            release.countDown();
            System.getProperties().remove("stuck.entered");
            System.getProperties().remove("stuck.release");
        }
    }

    @Test
    void anUnloadThatCannotDrainCallsInTimeIsRefusedAndThePluginKeepsServing() throws Exception {
        try (StuckCall call = new StuckCall()) {
            assertThatThrownBy(() -> manager.unload("stuck"))
                    .isInstanceOf(PluginUnloadException.class)
                    .hasMessageContaining("still has 1 call(s) in progress after 200 ms; it stays loaded");

            assertThat(manager.execute("stuck", "quick")).isEqualTo("done");
            assertThat(call.released()).isEqualTo("done");
        }
    }

    /**
     * A host that turns a result into its own form (JSON, whose writer calls the result's getters) runs
     * the plugin's code: the reader runs inside the call, with the plugin's context loader, and an unload
     * waits for it as for the call itself.
     */
    @Test
    void aResultsReaderRunsInsideTheCallSoAnUnloadWaitsForIt() throws Exception {
        manager.close(); // the test's default engine, replaced by one that drains for 200 ms only
        manager = new ModuleLayerPluginManager(HostServices.NONE, Duration.ofMillis(200));
        manager.load(PluginJarBuilder.plugin("read").body("public Object execute(Object in) { return this; }")
                .build(dir));
        CountDownLatch reading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Future<String> read = pool.submit(() -> manager.execute("read", null, result -> {
            reading.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Thread.currentThread().getContextClassLoader() == result.getClass().getClassLoader()
                    ? "read with the plugin's loader" : "read with another loader";
        }));
        try {
            assertThat(reading.await(10, TimeUnit.SECONDS)).as("the reader runs").isTrue();
            assertThatThrownBy(() -> manager.unload("read"))
                    .isInstanceOf(PluginUnloadException.class)
                    .hasMessageContaining("still has 1 call(s) in progress after 200 ms; it stays loaded");
        } finally {
            release.countDown();
        }
        assertThat(read.get(10, TimeUnit.SECONDS)).isEqualTo("read with the plugin's loader");
        assertThat(manager.unload("read", false, false)).containsExactly("read");
    }

    /**
     * An operator can unload a plugin whose call never returns: the engine cannot stop the thread, so
     * the plugin's loader stays until the call ends, and the diagnostics say so; everything else goes.
     */
    @Test
    void aForcedUnloadOfAPluginStuckInACallUnloadsItAndNamesTheCallAsWhatHoldsItsLoader() throws Exception {
        try (StuckCall call = new StuckCall()) {
            assertThat(manager.unload("stuck", false, true)).containsExactly("stuck");

            assertThat(manager.find("stuck")).isEmpty();
            assertThat(manager.hub().ownerCount()).as("its listeners are gone").isZero();
            assertThatThrownBy(() -> manager.execute("stuck", "quick")).isInstanceOf(PluginNotFoundException.class);
            assertThat(manager.unloadedButNotCollected()).containsExactly("stuck@1.0.0");
            assertThat(manager.leakSuspects().get("stuck@1.0.0")).as("waited for once, not again per step")
                    .filteredOn(suspect -> suspect.contains("unloaded by force")).singleElement().asString()
                    .contains("1 call(s) into it were still in progress when it was unloaded by force after 200 ms");

            assertThat(call.released()).isEqualTo("done");
            assertThat(Gc.collectsAll(manager::unloadedButNotCollected)).as("collected once the call ended").isTrue();
        }
    }

    /** Closing the engine (the EAR undeployed, the server stopping) leaves no plugin loaded, stuck or not. */
    @Test
    void closingTheEngineUnloadsAPluginStuckInACall() throws Exception {
        try (StuckCall call = new StuckCall()) {
            manager.close();

            assertThat(manager.list()).isEmpty();
            assertThat(manager.hub().ownerCount()).isZero();
            assertThat(call.released()).isEqualTo("done");
            assertThat(Gc.collectsAll(manager::unloadedButNotCollected)).isTrue();
        }
    }

    /**
     * Reading a jar's descriptor (the admin API lists the plugin directory with it, the console every
     * second) waits for no plugin operation: a plugin's {@code initialize} may take its whole deadline.
     */
    @Test
    void inspectingAJarAnswersWhileAnotherPluginIsStillInitializing() throws Exception {
        CountDownLatch entered = Handoff.latch("inspect.entered");
        CountDownLatch release = Handoff.latch("inspect.release");
        Path slow = PluginJarBuilder.plugin("slow-start").body("public void initialize(PluginContext context) { "
                + Handoff.countDown("inspect.entered") + " " + Handoff.awaitLatch("inspect.release") + " }").build(dir);
        Path other = PluginJarBuilder.plugin("other").version("2.1.0").build(dir);
        try {
            Future<PluginInfo> loading = pool.submit(() -> manager.load(slow));
            assertThat(entered.await(30, TimeUnit.SECONDS)).as("slow-start is in initialize").isTrue();

            Future<io.pluginhost.api.PluginDescriptor> inspected = pool.submit(() -> manager.inspect(other));

            assertThat(inspected.get(10, TimeUnit.SECONDS).toString()).isEqualTo("other@2.1.0");
            release.countDown();
            assertThat(loading.get(30, TimeUnit.SECONDS).state()).isEqualTo(PluginState.LOADED);
        } finally {
            release.countDown();
            Handoff.take("inspect.entered");
            Handoff.take("inspect.release");
        }
    }

    @Test
    void concurrentLifecycleOperationsAndEventsAreSerializedAndLeaveAConsistentRegistry() throws Exception {
        List<Path> jars = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            jars.add(slowPlugin("worker-" + i));
        }
        List<Future<?>> futures = new ArrayList<>();
        CountDownLatch workersDone = new CountDownLatch(4);
        for (int i = 0; i < 4; i++) {
            Path jar = jars.get(i);
            String name = "worker-" + i;
            futures.add(pool.submit(() -> {
                try {
                    for (int round = 0; round < 25; round++) {
                        manager.load(jar);
                        assertThat(manager.execute(name, null)).isEqualTo("ok");
                        if (round % 2 == 0) {
                            manager.reload(name);
                        }
                        manager.unload(name);
                    }
                } finally {
                    workersDone.countDown();
                }
                return null;
            }));
        }
        futures.add(pool.submit(() -> {
            for (int i = 0; i < 500; i++) {
                manager.list().forEach(info -> assertThat(info.state()).isEqualTo(PluginState.LOADED));
            }
            return null;
        }));
        AtomicInteger tocks = new AtomicInteger();
        AutoCloseable tockCounter = manager.subscribe("tock", e -> tocks.incrementAndGet());
        futures.add(pool.submit(() -> {
            // Publish for as long as plugins come and go, so events and unloads overlap.
            for (int i = 0; workersDone.getCount() > 0; i++) {
                manager.publish("tick", i);
            }
            return null;
        }));
        for (Future<?> f : futures) {
            f.get(60, TimeUnit.SECONDS);
        }

        tockCounter.close();
        assertThat(manager.list()).isEmpty();
        assertThat(manager.hub().ownerCount()).isZero();
        assertThat(manager.publish("tick", "after")).isZero();
        assertThat(tocks.get()).isPositive();
        for (int i = 0; i < 4; i++) {
            System.clearProperty("worker-" + i + ".inFlightAtCleanup");
        }
    }
}
