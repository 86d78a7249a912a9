package io.pluginhost.runtime;

import io.pluginhost.api.PluginEvent;
import io.pluginhost.api.exception.PluginExecutionException;
import io.pluginhost.runtime.testing.ExamplePlugins;
import io.pluginhost.runtime.testing.PluginJarBuilder;
import io.pluginhost.runtime.testing.RecordingListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The event bus as plugins use it, through the engine. */
class PluginEventsTest {

    @TempDir
    Path dir;

    private final RecordingListener events = new RecordingListener();
    private final ModuleLayerPluginManager manager = new ModuleLayerPluginManager();

    @BeforeEach
    void listen() {
        manager.addLifecycleListener(events);
    }

    @AfterEach
    void stop() {
        manager.close();
    }

    /** A plugin that emits {@code in.event} with {@code in.data} when executed. */
    private Path emitter(String name) {
        return PluginJarBuilder.plugin(name).body("""
                private PluginContext context;
                public void initialize(PluginContext context) { this.context = context; }
                public Object execute(Object in) {
                    Map<?, ?> request = (Map<?, ?>) in;
                    context.eventBus().emit((String) request.get("event"), request.get("data"));
                    return null;
                }
                """).build(dir);
    }

    private void emit(String plugin, String event, Object data) {
        Map<String, Object> request = new java.util.HashMap<>();
        request.put("event", event);
        request.put("data", data);
        manager.execute(plugin, request);
    }

    @Test
    void oneEventFromOnePluginReachesAnotherThroughAWildcard() {
        manager.load(ExamplePlugins.one());
        manager.load(ExamplePlugins.two());
        manager.load(emitter("producer"));

        emit("producer", "data:imported", "rows");
        emit("producer", "data:cleaned", "rows");
        emit("producer", "metrics:tick", "ignored");
        manager.publish("data:from-host", "x");

        Map<?, ?> stats = (Map<?, ?>) manager.execute("example-plugin-2", Map.of());
        assertThat(stats.get("dataEventsSeen")).isEqualTo(3L);
        assertThat(stats.get("lastDataEvent")).isEqualTo("data:from-host");
    }

    @Test
    void aPluginAnswersAnEventWithAnotherEvent() throws Exception {
        manager.load(ExamplePlugins.one());
        manager.load(ExamplePlugins.two());
        List<PluginEvent> acknowledged = Collections.synchronizedList(new ArrayList<>());

        try (AutoCloseable subscription = manager.subscribe("task:acknowledged", acknowledged::add)) {
            manager.publish("task:started", Map.of("taskId", "t-42"));
        }

        assertThat(acknowledged).singleElement().satisfies(event -> {
            assertThat(event.source()).isEqualTo("example-plugin-2");
            assertThat(event.data()).isEqualTo(Map.of("plugin", "example-plugin-2", "taskId", "t-42"));
        });
    }

    /**
     * A host listener that fails, even with an error (a stack overflow writing a cyclic payload as
     * JSON, say), is the host's failure: it is reported, the plugin's emit returns, and the plugins'
     * listeners after it still hear the event.
     */
    @Test
    void aHostListenerThatThrowsAnErrorFailsNeitherTheEmitNorTheOtherListeners() throws Exception {
        try (AutoCloseable failing = manager.subscribe("data:*", e -> {
            throw new StackOverflowError("writing a cyclic payload");
        })) {
            manager.load(ExamplePlugins.one()); // subscribed after the host's listener: delivered after it
            manager.load(ExamplePlugins.two());
            manager.load(emitter("producer"));
            emit("producer", "data:imported", "rows");
        }

        Map<?, ?> stats = (Map<?, ?>) manager.execute("example-plugin-2", Map.of());
        assertThat(stats.get("dataEventsSeen")).isEqualTo(1L);
        assertThat(events.events).anySatisfy(event -> assertThat(event)
                .contains("host listener for event 'data:imported' failed").contains("StackOverflowError"));
    }

    @Test
    void anEmittingPluginDoesNotHearItself() {
        manager.load(PluginJarBuilder.plugin("echo").body("""
                private PluginContext context;
                private int heard;
                public void initialize(PluginContext context) {
                    this.context = context;
                    context.eventBus().on("echo:*", e -> heard++);
                }
                public Object execute(Object in) {
                    context.eventBus().emit("echo:hello", null);
                    return heard;
                }
                """).build(dir));

        assertThat(manager.execute("echo", null)).isEqualTo(0);
        manager.publish("echo:from-host", null);
        assertThat(manager.execute("echo", null)).isEqualTo(1);
    }

    @Test
    void aThrowingListenerIsReportedAsAnErrorOfItsPluginAndOthersStillHear() {
        manager.load(PluginJarBuilder.plugin("grumpy").body("""
                public void initialize(PluginContext context) {
                    context.eventBus().on("news", e -> { throw new IllegalStateException("no news is good news"); });
                }
                """).build(dir));
        manager.load(ExamplePlugins.one());
        manager.load(ExamplePlugins.two());
        manager.load(emitter("anchor"));

        int delivered = manager.publish("news", null);
        emit("anchor", "data:after-news", null);

        assertThat(delivered).isEqualTo(1);
        assertThat(events.errors).singleElement().isInstanceOf(PluginExecutionException.class)
                .satisfies(e -> assertThat(e.getMessage())
                        .isEqualTo("plugin 'grumpy': listener for event 'news' failed: "
                                + "java.lang.IllegalStateException: no news is good news"));
        assertThat(((Map<?, ?>) manager.execute("example-plugin-2", Map.of())).get("dataEventsSeen")).isEqualTo(1L);
    }

    @Test
    void offRemovesExactlyThatListenerOfThePlugin() {
        manager.load(PluginJarBuilder.plugin("picky").body("""
                private final List<String> heard = Collections.synchronizedList(new ArrayList<>());
                private final io.pluginhost.api.EventListener first = e -> heard.add("first");
                private PluginContext context;
                public void initialize(PluginContext context) {
                    this.context = context;
                    context.eventBus().on("tick", first);
                    context.eventBus().on("tick", e -> heard.add("second"));
                }
                public Object execute(Object in) {
                    if ("off".equals(in)) return context.eventBus().off("tick", first);
                    return List.copyOf(heard);
                }
                """).build(dir));

        manager.publish("tick", null);
        assertThat(manager.execute("picky", "off")).isEqualTo(true);
        manager.publish("tick", null);

        assertThat(manager.execute("picky", null)).isEqualTo(List.of("first", "second", "second"));
    }

    @Test
    void unloadRemovesEveryListenerIncludingOnceListeners() {
        manager.load(PluginJarBuilder.plugin("listener").body("""
                public void initialize(PluginContext context) {
                    context.eventBus().on("a:*", e -> { });
                    context.eventBus().on("**", e -> { });
                    context.eventBus().once("b", e -> { });
                }
                """).build(dir));
        assertThat(manager.hub().ownerCount()).isEqualTo(1);

        manager.unload("listener");

        assertThat(manager.hub().ownerCount()).isZero();
        assertThat(manager.publish("a:x", null)).isZero();
        assertThat(manager.publish("b", null)).isZero();
    }
}
