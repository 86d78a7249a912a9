package io.pluginhost.runtime.internal;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URL;
import java.net.URLClassLoader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** Batches of lifecycle calls: one hand-off for many calls, and a failed call stops the batch. */
class LifecycleThreadsTest {

    private static final Duration LONG = Duration.ofSeconds(30);

    private final LifecycleThreads threads = new LifecycleThreads(LifecycleThreadsTest.class.getClassLoader());
    private final CountDownLatch release = new CountDownLatch(1);
    private final List<String> ran = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        release.countDown();
        threads.close();
    }

    private LifecycleThreads.Call call(String name, ClassLoader loader, Duration deadline, Callable<?> code) {
        return call(name, loader, deadline, code, false);
    }

    /** @param inert whether the caller's thread runs it ({@link LifecycleThreads.Call#inert}) */
    private LifecycleThreads.Call call(String name, ClassLoader loader, Duration deadline, Callable<?> code,
                                       boolean inert) {
        return new LifecycleThreads.Call("plugin-initialize-" + name, loader, () -> {
            ran.add(name + " on " + Thread.currentThread().getName() + "#" + Thread.currentThread().getId());
            return code.call();
        }, deadline, inert);
    }

    /** @return calls a, b, c, of which b runs {@code code} within {@code deadline} */
    private LifecycleThreads.Call[] aroundB(Duration deadline, Callable<?> code) {
        return new LifecycleThreads.Call[] {
                call("a", loader("a"), LONG, () -> null),
                call("b", loader("b"), deadline, code),
                call("c", loader("c"), LONG, () -> null)};
    }

    private static ClassLoader loader(String name) {
        return new URLClassLoader(name, new URL[0], null);
    }

    @Test
    void aBatchRunsEveryCallInOrderOnOneHandOffEachWithItsOwnLoaderAndNothingLeftByTheOneBefore() {
        ThreadLocal<String> left = new ThreadLocal<>();
        List<Object> seen = new ArrayList<>();
        List<LifecycleThreads.Call> calls = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ClassLoader own = loader("plugin-" + i);
            calls.add(call("p" + i, own, LONG, () -> {
                seen.add(Thread.currentThread().getContextClassLoader() == own);
                seen.add(left.get()); // what the call before set
                left.set("set by an earlier call");
                return null;
            }));
        }
        LifecycleThreads.Call[] batch = calls.toArray(LifecycleThreads.Call[]::new);

        assertThat(threads.callAll(batch, 0)).isEqualTo(5);

        assertThat(threads.handOffs()).isEqualTo(1);
        assertThat(batch).allSatisfy(c -> assertThat(c.outcome()).isEqualTo(LifecycleThreads.Outcome.RETURNED));
        assertThat(ran).extracting(r -> r.substring(0, 2)).containsExactly("p0", "p1", "p2", "p3", "p4");
        assertThat(ran).extracting(r -> r.substring(3)).containsOnly(ran.get(0).substring(3));
        assertThat(seen).containsExactly(true, null, true, null, true, null, true, null, true, null);
    }

    @Test
    void aCallThatThrowsEndsTheBatchThereAndTheRestRunOnANewThread() {
        LifecycleThreads.Call[] batch = aroundB(LONG, () -> {
            throw new IllegalStateException("b failed");
        });

        assertThat(threads.callAll(batch, 0)).isEqualTo(2);
        assertThat(batch[0].outcome()).isEqualTo(LifecycleThreads.Outcome.RETURNED);
        assertThat(batch[1].outcome()).isEqualTo(LifecycleThreads.Outcome.THREW);
        assertThat(batch[1].takeFailure()).hasMessage("b failed");
        assertThat(batch[1].takeFailure()).isNull(); // handed over once
        assertThat(batch[2].outcome()).isEqualTo(LifecycleThreads.Outcome.PENDING);
        assertThat(ran).hasSize(2);

        assertThat(threads.callAll(batch, 2)).isEqualTo(3);
        assertThat(batch[2].outcome()).isEqualTo(LifecycleThreads.Outcome.RETURNED);
        assertThat(threadOf(ran.get(2))).isNotEqualTo(threadOf(ran.get(1))); // the thread that saw a throw retired
    }

    /**
     * The call before b has a 30 s deadline, b 200 ms: the caller, asleep until the first call's
     * deadline, must be woken for b's sooner one (it was not, at first, and the test took 30 s).
     */
    @Test
    @Timeout(10)
    void aCallThatOverrunsItsDeadlineEndsTheBatchThereAndLeavesItsThreadNamedForIt() throws InterruptedException {
        CountDownLatch stuck = new CountDownLatch(1);
        LifecycleThreads.Call[] batch = aroundB(Duration.ofMillis(200), () -> {
            stuck.countDown();
            while (true) {
                try {
                    release.await(); // ignores interruption, as hostile plugin code may
                    return null;
                } catch (InterruptedException ignored) {
                    // keeps waiting
                }
            }
        });

        assertThat(threads.callAll(batch, 0)).isEqualTo(2);

        assertThat(stuck.await(0, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(batch[1].outcome()).isEqualTo(LifecycleThreads.Outcome.TIMED_OUT);
        assertThat(batch[2].outcome()).isEqualTo(LifecycleThreads.Outcome.PENDING);
        assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName)
                .contains("plugin-initialize-b");

        assertThat(threads.callAll(batch, 2)).isEqualTo(3);
        assertThat(batch[2].outcome()).isEqualTo(LifecycleThreads.Outcome.RETURNED);
        assertThat(threadOf(ran.get(2))).isNotEqualTo(threadOf(ran.get(1)));
    }

    @Test
    void onTheCallersThreadABatchAlsoStopsAtTheFirstFailure() {
        LifecycleThreads inline = LifecycleThreads.onCallersThread();
        LifecycleThreads.Call[] batch = aroundB(LONG, () -> {
            throw new IllegalStateException("b failed");
        });

        assertThat(inline.callAll(batch, 0)).isEqualTo(2);
        assertThat(batch[1].outcome()).isEqualTo(LifecycleThreads.Outcome.THREW);
        assertThat(threadOf(ran.get(0))).isEqualTo(Thread.currentThread().getName() + "#"
                + Thread.currentThread().getId());
    }

    private static String threadOf(String record) {
        return record.substring(record.indexOf(" on ") + 4);
    }

    /**
     * An inert call (its code provably calls only the host) runs on the caller's thread with the
     * plugin's loader, and costs no hand-off; one after a call that was handed over goes with the batch.
     */
    @Test
    void inertCallsRunOnTheCallersThreadUnlessTheyFollowAHandedOverCall() {
        ClassLoader own = loader("inert");
        List<Object> loaders = new CopyOnWriteArrayList<>();
        Callable<?> seeLoader = () -> loaders.add(Thread.currentThread().getContextClassLoader() == own);
        String caller = Thread.currentThread().getName() + "#" + Thread.currentThread().getId();
        LifecycleThreads.Call[] batch = {
                call("first", own, LONG, seeLoader, true), call("handed", own, LONG, seeLoader),
                call("after", own, LONG, seeLoader, true)};

        assertThat(threads.callAll(batch, 0)).isEqualTo(3);

        assertThat(threads.handOffs()).isEqualTo(1);
        assertThat(ran.get(0)).isEqualTo("first on " + caller);
        assertThat(ran.get(1)).doesNotEndWith(caller);
        assertThat(ran.get(2)).isEqualTo("after on " + ran.get(1).substring("handed on ".length()));
        assertThat(loaders).containsExactly(true, true, true);
        assertThat(Thread.currentThread().getContextClassLoader()).isNotSameAs(own);

        LifecycleThreads.Call alone = call("alone", own, LONG, seeLoader, true);
        assertThat(threads.callAll(new LifecycleThreads.Call[] {alone}, 0)).isEqualTo(1);
        assertThat(threads.handOffs()).isEqualTo(1);
        assertThat(ran.get(3)).isEqualTo("alone on " + caller);
    }
}
