package io.pluginhost.runtime.event;

import io.pluginhost.api.EventListener;
import io.pluginhost.api.PluginEvent;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventHubTest {

    /** A subscriber that runs listeners directly and records failures, as the engine's plugins do. */
    static final class Owner implements Subscriber {
        final String name;
        final List<String> failures = Collections.synchronizedList(new ArrayList<>());
        volatile boolean accepting = true;

        Owner(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public boolean acceptsSubscriptions() {
            return accepting;
        }

        @Override
        public void deliver(EventListener listener, PluginEvent event, CallDepth depth) {
            try {
                listener.onEvent(event);
            } catch (Exception e) {
                failures.add(event.name() + ": " + e.getMessage());
            }
        }
    }

    private final EventHub hub = new EventHub();
    private final Owner a = new Owner("a");
    private final Owner b = new Owner("b");

    private List<String> recordInto(Owner owner, String pattern) {
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        hub.subscribe(owner, pattern, e -> seen.add(e.name()), false);
        return seen;
    }

    @Test
    void exactNameReachesItsSubscribersWithDataAndSource() {
        List<PluginEvent> seen = new ArrayList<>();
        hub.subscribe(b, "user:created", seen::add, false);

        hub.emit("a", "user:created", "alice");

        assertThat(seen).containsExactly(new PluginEvent("user:created", "alice", "a"));
    }

    @Test
    void anEmitterDoesNotReceiveItsOwnEvent() {
        List<String> own = recordInto(a, "ping");
        List<String> other = recordInto(b, "ping");

        hub.emit("a", "ping", null);

        assertThat(own).isEmpty();
        assertThat(other).containsExactly("ping");
    }

    @Test
    void hostEventsReachEveryPlugin() {
        List<String> seenByA = recordInto(a, "ping");

        hub.emit(null, "ping", null);

        assertThat(seenByA).containsExactly("ping");
    }

    @Test
    void singleStarMatchesExactlyOneSegment() {
        List<String> seen = recordInto(b, "data:*");

        for (String name : List.of("data", "data:processed", "data:a:b", "other:processed", "database:x")) {
            hub.emit("a", name, null);
        }

        assertThat(seen).containsExactly("data:processed");
    }

    @Test
    void starCanStandInTheMiddle() {
        List<String> seen = recordInto(b, "user:*:created");

        hub.emit("a", "user:admin:created", null);
        hub.emit("a", "user:created", null);

        assertThat(seen).containsExactly("user:admin:created");
    }

    @Test
    void doubleStarMatchesZeroOrMoreSegments() {
        List<String> seen = recordInto(b, "data:**");
        List<String> everything = recordInto(b, "**");

        for (String name : List.of("data", "data:x", "data:x:y", "other")) {
            hub.emit("a", name, null);
        }

        assertThat(seen).containsExactly("data", "data:x", "data:x:y");
        assertThat(everything).containsExactly("data", "data:x", "data:x:y", "other");
    }

    @Test
    void deliveryFollowsSubscriptionOrderAcrossPatterns() {
        List<String> order = new ArrayList<>();
        hub.subscribe(b, "data:*", e -> order.add("star"), false);
        hub.subscribe(b, "data:x", e -> order.add("exact"), false);
        hub.subscribe(b, "**", e -> order.add("any"), false);

        hub.emit("a", "data:x", null);

        assertThat(order).containsExactly("star", "exact", "any");
    }

    @Test
    void offRemovesExactlyThatListener() {
        AtomicInteger first = new AtomicInteger();
        AtomicInteger second = new AtomicInteger();
        EventListener one = e -> first.incrementAndGet();
        EventListener two = e -> second.incrementAndGet();
        hub.subscribe(b, "tick", one, false);
        hub.subscribe(b, "tick", two, false);
        hub.subscribe(b, "tick:*", one, false);

        assertThat(hub.unsubscribe(b, "tick", one)).isTrue();
        hub.emit("a", "tick", null);
        hub.emit("a", "tick:x", null);

        assertThat(first).hasValue(1); // only through "tick:*"
        assertThat(second).hasValue(1);
        assertThat(hub.unsubscribe(b, "tick", one)).isFalse();
    }

    @Test
    void offOfAListenerAddedTwiceRemovesOneRegistration() {
        AtomicInteger calls = new AtomicInteger();
        EventListener listener = e -> calls.incrementAndGet();
        hub.subscribe(b, "tick", listener, false);
        hub.subscribe(b, "tick", listener, false);

        hub.unsubscribe(b, "tick", listener);
        hub.emit("a", "tick", null);

        assertThat(calls).hasValue(1);
    }

    @Test
    void onceFiresOnceAndCanBeRemovedBeforeItFires() {
        AtomicInteger calls = new AtomicInteger();
        hub.subscribe(b, "tick", e -> calls.incrementAndGet(), true);
        EventListener never = e -> calls.addAndGet(100);
        hub.subscribe(b, "tick", never, true);
        hub.unsubscribe(b, "tick", never);

        hub.emit("a", "tick", null);
        hub.emit("a", "tick", null);

        assertThat(calls).hasValue(1);
        assertThat(hub.subscriptionCount(b)).isZero();
    }

    @Test
    void onceFiresExactlyOnceUnderConcurrentEmits() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        hub.subscribe(b, "race", e -> calls.incrementAndGet(), true);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            futures.add(pool.submit(() -> {
                start.await();
                for (int j = 0; j < 100; j++) {
                    hub.emit("a", "race", j);
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : futures) {
            f.get(10, TimeUnit.SECONDS);
        }
        pool.shutdown();

        assertThat(calls).hasValue(1);
    }

    @Test
    void aThrowingListenerIsReportedAndTheOthersStillRun() {
        hub.subscribe(b, "boom", e -> {
            throw new IllegalStateException("listener broke");
        }, false);
        List<String> seen = recordInto(b, "boom");
        Owner c = new Owner("c");
        List<String> seenByC = recordInto(c, "boom");

        hub.emit("a", "boom", null);

        assertThat(b.failures).containsExactly("boom: listener broke");
        assertThat(seen).containsExactly("boom");
        assertThat(seenByC).containsExactly("boom");
    }

    @Test
    void removeAllDropsEveryListenerOfAnOwnerAndPrunesTheTrie() {
        recordInto(b, "x:y:z");
        recordInto(b, "x:*");
        hub.subscribe(b, "x:**", e -> { }, true);
        List<String> seenByC = recordInto(new Owner("c"), "x:y:z");

        assertThat(hub.removeAll(b)).isEqualTo(3);
        hub.emit("a", "x:y:z", null);

        assertThat(hub.subscriptionCount(b)).isZero();
        assertThat(seenByC).containsExactly("x:y:z");
    }

    @Test
    void anOwnerThatStoppedAcceptingCannotSubscribe() {
        b.accepting = false;

        assertThat(hub.subscribe(b, "x", e -> { }, false)).isFalse();
        assertThat(hub.subscriptionCount(b)).isZero();
    }

    @Test
    void aNameEmittedBeforeStillReachesSubscriptionsAddedAfter() {
        List<String> early = recordInto(b, "news:*");
        hub.emit("a", "news:today", null);
        List<String> late = recordInto(b, "news:today");

        hub.emit("a", "news:today", null);

        assertThat(early).hasSize(2);
        assertThat(late).containsExactly("news:today");
    }

    @Test
    void removedSubscriptionsAreNotRetainedByTheRouteCache() {
        java.lang.ref.WeakReference<Object> weak = subscribeHoldingState("once-only");
        hub.emit("a", "once-only", null); // caches the route for this name

        hub.removeAll(b);

        assertThat(io.pluginhost.runtime.testing.Gc.collects(weak)).isTrue();
    }

    /** Subscribes a listener that holds the only strong reference to some state; returns a weak one. */
    private java.lang.ref.WeakReference<Object> subscribeHoldingState(String pattern) {
        Object state = new Object();
        hub.subscribe(b, pattern, e -> state.hashCode(), false);
        return new java.lang.ref.WeakReference<>(state);
    }

    @Test
    void malformedNamesAndPatternsAreRefused() {
        assertThatThrownBy(() -> hub.emit("a", "data:*", null)).hasMessageContaining("wildcards are for subscriptions");
        assertThatThrownBy(() -> hub.emit("a", "", null)).isInstanceOf(io.pluginhost.api.exception.InvalidNameException.class);
        assertThatThrownBy(() -> hub.subscribe(b, "a::b", e -> { }, false)).hasMessageContaining("empty segment");
        assertThatThrownBy(() -> hub.subscribe(b, "da*ta", e -> { }, false)).hasMessageContaining("whole segment");
        assertThatThrownBy(() -> hub.subscribe(b, "**:x:**", e -> { }, false)).hasMessageContaining("only once");
        assertThatThrownBy(() -> hub.emit("a", null, null))
                .isInstanceOf(io.pluginhost.api.exception.InvalidNameException.class)
                .hasMessage("event name must not be empty");
        assertThatThrownBy(() -> hub.subscribe(b, null, e -> { }, false))
                .isInstanceOf(io.pluginhost.api.exception.InvalidNameException.class);
        // A line break in a name would forge lines wherever it is logged ("listener for event '...' failed").
        for (String name : new String[] {"a\nb", "a:b\r", "tab\there", "nul\u0000", "del\u007f", "c1\u0085"}) {
            assertThatThrownBy(() -> hub.emit("a", name, null)).as(name)
                    .isInstanceOf(io.pluginhost.api.exception.InvalidNameException.class)
                    .hasMessageContaining("control character");
            assertThatThrownBy(() -> hub.subscribe(b, name, e -> { }, false)).as(name)
                    .isInstanceOf(io.pluginhost.api.exception.InvalidNameException.class)
                    .hasMessageContaining("control character");
        }
        assertThat(hub.emit("a", "caf\u00e9:\u2603 snow", null)).isZero();
    }

    @Test
    void concurrentEmitSubscribeAndRemoveNeverLoseOrCorruptSubscriptions() throws Exception {
        List<String> stable = recordInto(b, "load:*");
        AtomicBoolean running = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        Future<?> churn = pool.submit(() -> {
            Owner churner = new Owner("churn");
            while (running.get()) {
                for (int i = 0; i < 20; i++) {
                    hub.subscribe(churner, "load:" + i, e -> { }, false);
                    hub.subscribe(churner, "load:*:" + i, e -> { }, true);
                }
                hub.removeAll(churner);
            }
            return null;
        });
        Future<?> emitter = pool.submit(() -> {
            for (int i = 0; i < 20_000; i++) {
                hub.emit("a", "load:" + (i % 20), i);
            }
            return null;
        });
        emitter.get(30, TimeUnit.SECONDS);
        running.set(false);
        churn.get(10, TimeUnit.SECONDS);
        pool.shutdown();

        assertThat(stable).hasSize(20_000);
        assertThat(hub.ownerCount()).isEqualTo(1);
    }

    /**
     * An emit racing an unsubscribe must never leave a cached route holding the removed listener:
     * the route would keep it (and its plugin) reachable until the next change. Each round runs an
     * unsubscribe against a spinning emitter, then parks the emitter at a barrier and inspects the
     * route cache.
     */
    @Test
    void aRouteCachedDuringAnUnsubscribeNeverHoldsTheRemovedListener() throws Exception {
        hub.subscribe(b, "race", e -> { }, false); // keeps the node alive between rounds
        java.util.concurrent.CyclicBarrier barrier = new java.util.concurrent.CyclicBarrier(2);
        AtomicBoolean pause = new AtomicBoolean();
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService emitter = Executors.newSingleThreadExecutor();
        Future<?> emitting = emitter.submit(() -> {
            while (!stop.get()) {
                hub.emit(null, "race", null);
                if (pause.get()) {
                    barrier.await(); // parked while the test looks
                    barrier.await();
                }
            }
            return null;
        });
        try {
            int stale = 0;
            for (int round = 0; round < 20_000 && stale == 0; round++) {
                EventListener listener = e -> { };
                hub.subscribe(a, "race", listener, false);
                hub.unsubscribe(a, "race", listener);
                pause.set(true);
                barrier.await(5, TimeUnit.SECONDS);
                stale = hub.inactiveSubscriptionsInRoutes();
                pause.set(false);
                barrier.await(5, TimeUnit.SECONDS);
            }
            assertThat(stale).as("removed subscriptions held by cached routes").isZero();
        } finally {
            stop.set(true);
            emitting.get(5, TimeUnit.SECONDS);
            emitter.shutdownNow();
        }
    }

    @Test
    void aHundredThousandListenersOnOnePatternComeAndGoInLinearTime() {
        for (int i = 0; i < 100_000; i++) {
            hub.subscribe(a, "data:*", e -> { }, false);
        }
        hub.subscribe(b, "data:*", e -> { }, false);
        assertThat(hub.emit(null, "data:x", null)).isEqualTo(100_001);

        assertThat(hub.removeAll(a)).isEqualTo(100_000);

        assertThat(hub.emit(null, "data:x", null)).isEqualTo(1);
        assertThat(hub.subscriptionCount(a)).isZero();
    }

    @Test
    void aPluginPastItsListenerCapGetsATypedError() {
        EventHub capped = new EventHub(3);
        for (int i = 0; i < 3; i++) {
            capped.subscribe(a, "x", e -> { }, false);
        }

        assertThatThrownBy(() -> capped.subscribe(a, "x", e -> { }, false))
                .isInstanceOf(io.pluginhost.api.exception.ListenerLimitException.class)
                .hasMessageContaining("plugin 'a'").hasMessageContaining("3 listeners");
        assertThat(capped.subscribe(b, "x", e -> { }, false)).isTrue();
    }
}
