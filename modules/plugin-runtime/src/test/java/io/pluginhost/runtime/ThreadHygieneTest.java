package io.pluginhost.runtime;

import io.pluginhost.runtime.testing.Gc;
import io.pluginhost.runtime.testing.Handoff;
import io.pluginhost.runtime.testing.PluginJarBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.ref.WeakReference;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No thread keeps an unloaded plugin's loader: host code a plugin triggers runs with the host's
 * context loader, threads created while plugin code was on the stack are cleaned after unload (as
 * Tomcat's leak prevention does), and threads still running plugin code are named.
 */
class ThreadHygieneTest {

    @TempDir
    Path dir;

    private final ModuleLayerPluginManager manager = new ModuleLayerPluginManager(HostServices.NONE,
            Duration.ofSeconds(5));
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void stop() {
        release.countDown();
        manager.close();
        Handoff.take("hygiene-test.orphan");
    }

    /** A plugin whose execute emits 'ping' and hands off a weak reference to its loader. */
    private PluginJarBuilder emitter(String name) {
        return PluginJarBuilder.plugin(name).body("""
                private PluginContext context;
                public void initialize(PluginContext context) {
                    this.context = context;
                    %s
                }
                public Object execute(Object in) {
                    context.eventBus().emit("ping", in);
                    return "sent";
                }
                """.formatted(Handoff.put(name + ".loader",
                "new java.lang.ref.WeakReference<ClassLoader>(getClass().getClassLoader())")));
    }

    @Test
    void aHostListenerRunsWithTheHostsContextLoaderWhenAPluginEmits() throws Exception {
        ClassLoader hostLoader = Thread.currentThread().getContextClassLoader();
        AtomicReference<ClassLoader> seen = new AtomicReference<>();
        try (AutoCloseable ignored = manager.subscribe("ping", e -> seen.set(
                Thread.currentThread().getContextClassLoader()))) {
            manager.load(emitter("caller").build(dir));
            Handoff.take("caller.loader");

            manager.execute("caller", "x");

            assertThat(seen.get()).isSameAs(hostLoader);
        }
    }

    @Test
    void aThreadTheHostStartsWhilePluginCodeRunsDoesNotKeepThePluginsLoader() throws Exception {
        // Like a container pool that creates its worker lazily, inside the first plugin emit.
        List<Thread> started = new java.util.ArrayList<>();
        try (AutoCloseable ignored = manager.subscribe("ping", e -> {
            Thread worker = new Thread(() -> awaitQuietly(release), "host-worker");
            worker.setDaemon(true);
            worker.start();
            started.add(worker);
        })) {
            manager.load(emitter("lazy").build(dir));
            WeakReference<ClassLoader> loader = Handoff.take("lazy.loader");
            manager.execute("lazy", "x");
            assertThat(started).hasSize(1);

            manager.unload("lazy");

            assertThat(started.get(0).isAlive()).isTrue();
            assertThat(Gc.collects(loader)).as("the plugin's loader is collected while the host thread lives")
                    .isTrue();
        }
    }

    @Test
    void aThreadThePluginLeftRunningIsNamedAfterUnload() {
        java.util.concurrent.CountDownLatch end = Handoff.latch("hygiene-test.orphan");
        manager.load(PluginJarBuilder.plugin("leaky").body("""
                public void initialize(PluginContext context) {
                    Thread orphan = new Thread(() -> {
                        %s
                    }, "orphan-of-leaky");
                    orphan.setDaemon(true);
                    orphan.start();
                }
                """.formatted(Handoff.awaitLatch("hygiene-test.orphan"))).build(dir));

        manager.unload("leaky");

        assertThat(manager.leakSuspects()).containsKey("leaky@1.0.0");
        assertThat(manager.leakSuspects().get("leaky@1.0.0"))
                .anySatisfy(reason -> assertThat(reason).contains("thread 'orphan-of-leaky'")
                        .contains("runs the plugin's code"));
        end.countDown();
    }

    /**
     * A plugin that leaves a thread-local value on a thread it does not own (a container's request
     * thread, in the server) keeps its loader as long as that thread lives, and the engine cannot
     * safely remove another thread's entry. It names the thread and the value's class while the
     * loader stays; once the thread ends, the loader goes.
     */
    @Test
    void aThreadLocalValueLeftOnACallersThreadIsNamedWhileItKeepsTheLoader() throws Exception {
        manager.load(PluginJarBuilder.plugin("sticky").body("""
                static final ThreadLocal<Object> CACHE = new ThreadLocal<>();
                public Object execute(Object in) {
                    CACHE.set(new TestPlugin()); // never removed
                    %s
                    return "cached";
                }
                """.formatted(Handoff.put("sticky.loader",
                "new java.lang.ref.WeakReference<ClassLoader>(getClass().getClassLoader())"))).build(dir));
        CountDownLatch called = new CountDownLatch(1);
        Thread caller = new Thread(() -> {
            manager.execute("sticky", null);
            called.countDown();
            awaitQuietly(release);
        }, "request-thread-of-test");
        caller.start();
        called.await();
        WeakReference<ClassLoader> loader = Handoff.take("sticky.loader");

        manager.unload("sticky");

        assertThat(Gc.collects(loader)).as("the caller's thread local keeps the loader").isFalse();
        assertThat(manager.leakSuspects().get("sticky@1.0.0")).anySatisfy(reason -> assertThat(reason)
                .contains("thread 'request-thread-of-test'").contains("thread-local")
                .contains("test.sticky.TestPlugin"));

        release.countDown();
        caller.join();
        assertThat(Gc.collects(loader)).as("collected once the thread ended").isTrue();
        assertThat(manager.leakSuspects()).doesNotContainKey("sticky@1.0.0");
    }

    /**
     * A library's per-thread cache, as Jackson keeps its buffers: a {@code ThreadLocal<SoftReference<...>>}
     * of the JDK's classes, whose referent is the plugin's. The diagnostic named no thread (it matched the
     * value's own class, SoftReference), and nothing removed it. The host releases a lent thread after
     * its plugin calls; the loader then goes while the thread lives on.
     */
    @Test
    void aLentThreadReleasedAfterItsCallsKeepsNoThreadLocalOfThePlugin() throws Exception {
        manager.load(PluginJarBuilder.plugin("recycling").body("""
                static final ThreadLocal<java.lang.ref.SoftReference<Buffers>> RECYCLER = new ThreadLocal<>();
                static final ThreadLocal<Object> MINE = new ThreadLocal<>() { };
                public static final class Buffers { }
                public Object execute(Object in) {
                    RECYCLER.set(new java.lang.ref.SoftReference<>(new Buffers()));
                    MINE.set("a JDK value in the plugin's own ThreadLocal subclass");
                    %s
                    return "cached";
                }
                """.formatted(Handoff.put("recycling.loader",
                "new java.lang.ref.WeakReference<ClassLoader>(getClass().getClassLoader())"))).build(dir));
        CountDownLatch called = new CountDownLatch(1);
        CountDownLatch released = new CountDownLatch(1);
        CountDownLatch releaseNow = new CountDownLatch(1);
        AtomicReference<Integer> removed = new AtomicReference<>();
        Thread caller = new Thread(() -> {
            manager.execute("recycling", null);
            called.countDown();
            awaitQuietly(releaseNow);
            removed.set(manager.releaseCallingThread());
            released.countDown();
            awaitQuietly(release); // the class's latch, counted down after the test: lives on, as a request thread does
        }, "lent-thread-of-test");
        caller.start();
        called.await();
        WeakReference<ClassLoader> loader = Handoff.take("recycling.loader");
        manager.unload("recycling");

        assertThat(manager.leakSuspects().get("recycling@1.0.0")).anySatisfy(reason -> assertThat(reason)
                .contains("thread 'lent-thread-of-test' holds a thread-local SoftReference to the plugin's class"
                        + " test.recycling.TestPlugin$Buffers"));

        releaseNow.countDown();
        released.await();
        assertThat(removed.get()).isEqualTo(2);
        assertThat(Gc.collects(loader)).as("collected while the lent thread lives on").isTrue();
        assertThat(caller.isAlive()).isTrue();
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
