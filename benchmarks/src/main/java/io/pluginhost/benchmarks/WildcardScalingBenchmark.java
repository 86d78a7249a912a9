package io.pluginhost.benchmarks;

import io.pluginhost.api.EventListener;
import io.pluginhost.api.PluginEvent;
import io.pluginhost.runtime.event.CallDepth;
import io.pluginhost.runtime.event.EventHub;
import io.pluginhost.runtime.event.Subscriber;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The cost of one emit that matches one {@code data:*} subscription while N other wildcard
 * subscriptions do not match. The non-matching ones use every shape a trie must not scan: a
 * literal prefix ({@code other7:*}), a leading star ({@code *:other7}), a star in the middle
 * ({@code data:*:x7}) and a leading double star ({@code **:z7}). Target: 10 and 10,000 within 2x.
 *
 * <p>{@code emit} repeats one event name, so after the first emit it is served from the route
 * cache; {@code emitUncached} uses a new name each time ({@code data:processed-N}), so every emit
 * walks the trie, which is where the number of subscriptions could show.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgs = {"-Xmx1g"})
public class WildcardScalingBenchmark {

    @Param({"10", "10000"})
    public int nonMatching;

    private EventHub hub;
    private long delivered;

    @Setup(Level.Trial)
    public void setUp() {
        hub = new EventHub();
        Subscriber owner = new Subscriber() {
            @Override
            public String name() {
                return "subscriber";
            }

            @Override
            public boolean acceptsSubscriptions() {
                return true;
            }

            @Override
            public void deliver(EventListener listener, PluginEvent event, CallDepth depth) {
                delivered++;
            }
        };
        String[] shapes = {"other%d:*", "*:other%d", "data:*:x%d", "**:z%d"};
        for (int i = 0; i < nonMatching; i++) {
            hub.subscribe(owner, String.format(Locale.ROOT, shapes[i % shapes.length], i), e -> { }, false);
        }
        hub.subscribe(owner, "data:*", e -> { }, false);
    }

    private final String[] names = new String[1 << 16];
    private int next;

    @Setup(Level.Trial)
    public void names() {
        for (int i = 0; i < names.length; i++) {
            names[i] = "data:processed-" + i;
        }
    }

    @Benchmark
    public int emit() {
        return hub.emit("emitter", "data:processed", "payload");
    }

    @Benchmark
    public int emitUncached() {
        next = (next + 1) & (names.length - 1);
        return hub.emit("emitter", names[next], "payload");
    }
}
