package io.pluginhost.benchmarks;

import io.pluginhost.api.EventListener;
import io.pluginhost.api.PluginEvent;
import io.pluginhost.runtime.event.CallDepth;
import io.pluginhost.runtime.event.EventHub;
import io.pluginhost.runtime.event.Subscriber;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * What a plugin holding n listeners on one pattern costs the event hub over its life: subscribing
 * them (its initialize), one emit (it ran), removing them all (its unload). Target: linear in n, and
 * 100,000 listeners under 0.5 s. The layer and class loading of a real load are the same for every n
 * and measured by {@link LoadUnloadBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5)
@Measurement(iterations = 10)
@Fork(value = 2, jvmArgs = {"-Xmx1g"})
public class ListenerScalingBenchmark {

    @Param({"10", "1000", "100000"})
    public int listeners;

    private final Subscriber plugin = new Subscriber() {
        @Override
        public String name() {
            return "bench";
        }

        @Override
        public boolean acceptsSubscriptions() {
            return true;
        }

        @Override
        public void deliver(EventListener listener, PluginEvent event, CallDepth depth) {
            try {
                listener.onEvent(event);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    };

    @Benchmark
    public int subscribeEmitRemoveAll() {
        EventHub hub = new EventHub();
        for (int i = 0; i < listeners; i++) {
            hub.subscribe(plugin, "data:*", event -> { }, false);
        }
        hub.emit(null, "data:x", null);
        return hub.removeAll(plugin);
    }
}
