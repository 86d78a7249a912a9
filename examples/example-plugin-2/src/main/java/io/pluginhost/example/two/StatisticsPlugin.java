package io.pluginhost.example.two;

import io.pluginhost.api.Plugin;
import io.pluginhost.api.PluginContext;
import io.pluginhost.api.PluginEvent;
import io.pluginhost.api.PluginMetadata;
import io.pluginhost.example.one.api.GreetingService;
import org.apache.commons.math3.stat.descriptive.DescriptiveStatistics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Computes statistics over a list of numbers, greets the caller through example-plugin-1, and
 * counts the {@code data:*} events it has seen.
 */
@PluginMetadata(
        name = "example-plugin-2",
        version = "1.0.0",
        description = "Statistics over numbers; uses example-plugin-1's GreetingService",
        dependencies = {"example-plugin-1@^1.0"})
public final class StatisticsPlugin implements Plugin {

    private final AtomicLong dataEvents = new AtomicLong();
    private volatile GreetingService greeter;
    private volatile PluginContext context;
    private volatile String lastDataEvent;

    @Override
    public void initialize(PluginContext context) {
        this.context = context;
        this.greeter = context.getDependency("example-plugin-1", GreetingService.class);
        context.eventBus().on("data:*", this::onData);
        context.eventBus().on("task:started", event -> context.eventBus().emit("task:acknowledged",
                Map.of("plugin", "example-plugin-2", "taskId", String.valueOf(dataOf(event).get("taskId")))));
    }

    private void onData(PluginEvent event) {
        dataEvents.incrementAndGet();
        lastDataEvent = event.name();
    }

    /**
     * @param input a map with a list of numbers under {@code "numbers"} and optionally a
     *              {@code "name"} to greet
     * @return count, sum, mean, min and max of the numbers, a greeting, and the data events seen
     */
    @Override
    public Object execute(Object input) {
        Map<?, ?> request = input instanceof Map<?, ?> map ? map : Map.of();
        List<Double> numbers = new ArrayList<>();
        if (request.get("numbers") instanceof List<?> list) {
            for (Object n : list) {
                if (!(n instanceof Number number)) {
                    throw new IllegalArgumentException("'numbers' must hold only numbers; got " + n);
                }
                numbers.add(number.doubleValue());
            }
        }
        DescriptiveStatistics statistics = new DescriptiveStatistics();
        numbers.forEach(statistics::addValue);
        boolean none = numbers.isEmpty();
        double sum = statistics.getSum();
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("count", numbers.size());
        result.put("sum", sum);
        result.put("mean", none ? 0.0 : statistics.getMean());
        result.put("min", none ? 0.0 : statistics.getMin());
        result.put("max", none ? 0.0 : statistics.getMax());
        Object name = request.get("name");
        result.put("greeting", greeter.greet(name == null ? "stranger" : String.valueOf(name)));
        result.put("dataEventsSeen", dataEvents.get());
        result.put("lastDataEvent", lastDataEvent);
        context.eventBus().emit("stats:computed", Map.of("count", numbers.size(), "sum", sum));
        return result;
    }

    private static Map<?, ?> dataOf(PluginEvent event) {
        return event.data() instanceof Map<?, ?> map ? map : Map.of();
    }
}
