package io.pluginhost.benchmarks;

import com.google.common.eventbus.EventBus;
import com.google.common.eventbus.Subscribe;
import io.pluginhost.runtime.ModuleLayerPluginManager;
import io.pluginhost.runtime.event.EventHub;
import io.pluginhost.runtime.event.Subscriber;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Emit-to-deliver throughput, one event to one listener on the emitting thread, against Guava's
 * synchronous EventBus posting to one {@code @Subscribe} method. Target: at least 2x Guava.
 *
 * <ul>
 *   <li>{@code engineToPluginListener}: the host publishes {@code data:bench}; example-plugin-2's
 *       {@code data:*} listener counts it. The whole plugin path: trie match, call gate, context
 *       class loader switch.</li>
 *   <li>{@code hubToListener}: the event hub alone, to one exact-name subscriber.</li>
 *   <li>{@code guavaEventBus}: Guava EventBus, one subscriber.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgs = {"-Xmx1g"})
public class EventDeliveryBenchmark {

    private final Map<String, Object> payload = Map.of("rows", 42);
    private ModuleLayerPluginManager manager;
    private EventHub hub;
    private EventBus guava;
    private final AtomicLong hubCount = new AtomicLong();
    private final AtomicLong guavaCount = new AtomicLong();

    /** Guava's subscriber: one annotated method, as Guava users write it. */
    public final class GuavaSubscriber {
        @Subscribe
        public void onEvent(Map<String, Object> event) {
            guavaCount.incrementAndGet();
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        manager = BenchPlugins.bothExamples();

        hub = new EventHub();
        hub.subscribe(Subscriber.direct("bench", EventDeliveryBenchmark.class.getClassLoader(), (event, e) -> {
            throw new IllegalStateException(e);
        }), "data:bench", e -> hubCount.incrementAndGet(), false);

        guava = new EventBus("bench");
        guava.register(new GuavaSubscriber());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        manager.close();
    }

    @Benchmark
    public int engineToPluginListener() {
        return manager.publish("data:bench", payload);
    }

    @Benchmark
    public int hubToListener() {
        return hub.emit("emitter", "data:bench", payload);
    }

    @Benchmark
    public void guavaEventBus() {
        guava.post(payload);
    }
}
