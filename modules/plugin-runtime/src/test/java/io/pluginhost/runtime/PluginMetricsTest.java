package io.pluginhost.runtime;

import io.pluginhost.api.exception.PluginExecutionException;
import io.pluginhost.runtime.resource.ResourceScope;
import io.pluginhost.runtime.testing.FakeDatabase;
import io.pluginhost.runtime.testing.PluginJarBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the engine reports to a host's metrics: per plugin, names and numbers only. */
class PluginMetricsTest {

    @TempDir
    Path dir;

    private final List<String> reports = new CopyOnWriteArrayList<>();
    private final ModuleLayerPluginManager manager = new ModuleLayerPluginManager(
            HostServices.NONE.withDatabase(new FakeDatabase()), EngineLimits.defaults());

    @AfterEach
    void stop() {
        manager.close();
    }

    @Test
    void executesEventsRepositoryCallsLoadsAndUnloadsAreReportedPerPlugin() {
        manager.setMetrics(new PluginMetrics() {
            @Override
            public void executed(String plugin, long nanos, boolean failed) {
                reports.add("executed " + plugin + (failed ? " failed" : " ok") + (nanos >= 0 ? "" : " negative"));
            }

            @Override
            public void emitted(String plugin, String event) {
                reports.add("emitted " + plugin + " " + event);
            }

            @Override
            public void received(String plugin) {
                reports.add("received " + plugin);
            }

            @Override
            public void repositoryCall(String plugin, String kind, boolean failed) {
                reports.add("repository " + plugin + " " + kind + (failed ? " failed" : " ok"));
            }

            @Override
            public void loaded(String plugin, long nanos) {
                reports.add("loaded " + plugin);
            }

            @Override
            public void unloaded(String plugin, long nanos) {
                reports.add("unloaded " + plugin);
            }
        });
        manager.load(PluginJarBuilder.plugin("counted").tables("notes").body("""
                private PluginContext context;
                public void initialize(PluginContext context) {
                    this.context = context;
                    context.eventBus().on("tick", e -> { });
                }
                public Object execute(Object in) {
                    if ("fail".equals(in)) { throw new IllegalStateException("asked to"); }
                    context.database().orElseThrow().executeCommand("DELETE FROM notes");
                    context.eventBus().emit("tick", null);
                    return "done";
                }
                """).build(dir));

        manager.execute("counted", "go");
        manager.publish("tick", null);
        assertThatThrownBy(() -> manager.execute("counted", "fail")).isInstanceOf(PluginExecutionException.class);
        manager.unload("counted");

        assertThat(reports).containsExactly("loaded counted", "repository counted database ok", "emitted counted tick",
                "executed counted ok", "received counted", "executed counted failed", "unloaded counted");
    }

    @Test
    void aStatementRunThroughATransactionIsCountedAsTheRepositoryCallItIs() {
        manager.setMetrics(new PluginMetrics() {
            @Override
            public void repositoryCall(String plugin, String kind, boolean failed) {
                reports.add("repository " + plugin + " " + kind + (failed ? " failed" : " ok"));
            }
        });
        manager.load(PluginJarBuilder.plugin("atomic").tables("notes").body("""
                private PluginContext context;
                public void initialize(PluginContext context) { this.context = context; }
                public Object execute(Object in) {
                    return context.database().orElseThrow().inTransaction(tx -> {
                        tx.executeCommand("DELETE FROM notes");
                        return tx.executeQuery("users");
                    });
                }
                """).build(dir));

        assertThatThrownBy(() -> manager.execute("atomic", null)).isInstanceOf(PluginExecutionException.class)
                .hasMessageContaining("has not declared table 'users'");

        // The two statements, then the transaction they failed.
        assertThat(reports).containsExactly("repository atomic database ok", "repository atomic database failed",
                "repository atomic database failed");
    }

    @Test
    void eachAnswerOfAPluginsHealthCheckIsReportedAndNothingOfAPluginWithoutOne() {
        manager.setMetrics(new PluginMetrics() {
            @Override
            public void health(String plugin, boolean up) {
                reports.add("health " + plugin + (up ? " up" : " down"));
            }
        });
        manager.load(PluginJarBuilder.plugin("quiet").build(dir));
        manager.load(PluginHealthTest.moody(dir));

        manager.health(java.time.Duration.ofSeconds(30));
        manager.execute("moody", "the rates service does not answer");
        manager.health(java.time.Duration.ofSeconds(30));
        manager.health("moody", java.time.Duration.ofSeconds(30));
        manager.health("quiet", java.time.Duration.ofSeconds(30));

        assertThat(reports).containsExactly("health moody up", "health moody down", "health moody down");
    }

    @Test
    void aListenerATaskOrAHandlerThatThrowsIsCountedAsTheCallbackKindItIs() throws Exception {
        BlockingQueue<String> failures = new LinkedBlockingQueue<>();
        List<ResourceScope> scopes = new CopyOnWriteArrayList<>();
        FakeDatabase database = new FakeDatabase();
        ModuleLayerPluginManager engine = new ModuleLayerPluginManager(HostServices.NONE.withDatabase(scope -> {
            scopes.add(scope);
            return database.open(scope);
        }), EngineLimits.defaults());
        try (engine) {
            engine.setMetrics(new PluginMetrics() {
                @Override
                public void callbackFailed(String plugin, String kind) {
                    failures.add(plugin + " " + kind);
                }
            });
            engine.load(PluginJarBuilder.plugin("careless").tables("notes").body("""
                    private PluginContext context;
                    public void initialize(PluginContext context) {
                        this.context = context;
                        context.eventBus().on("tick", e -> { throw new IllegalStateException("listener"); });
                    }
                    public Object execute(Object in) {
                        context.scheduler().schedule(java.time.Duration.ZERO, () -> {
                            throw new IllegalStateException("task");
                        });
                        return null;
                    }
                    """).build(dir));

            engine.publish("tick", null);
            assertThat(failures.poll(30, TimeUnit.SECONDS)).isEqualTo("careless listener");
            engine.execute("careless", null);
            assertThat(failures.poll(30, TimeUnit.SECONDS)).isEqualTo("careless task");
            // What a repository runs of the plugin's, a Kafka record handler, goes through its scope.
            scopes.get(0).callPlugin("a handler", () -> {
                throw new IllegalStateException("handler");
            });
            assertThat(failures.poll(30, TimeUnit.SECONDS)).isEqualTo("careless handler");
            assertThat(failures).isEmpty();
        }
    }

    @Test
    void aListenerThatFailsOnEveryEventIsLoggedOnceAndCountedEveryTime() {
        List<String> warnings = new CopyOnWriteArrayList<>();
        java.util.logging.Logger log = java.util.logging.Logger.getLogger(ModuleLayerPluginManager.class.getName());
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                if (record.getLevel() == java.util.logging.Level.WARNING) {
                    warnings.add(record.getMessage());
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        List<String> told = new CopyOnWriteArrayList<>();
        List<String> counted = new CopyOnWriteArrayList<>();
        manager.addLifecycleListener(new PluginLifecycleListener() {
            @Override
            public void pluginFailed(String pluginName, Path source, io.pluginhost.api.exception.PluginException e) {
                told.add(pluginName);
            }
        });
        manager.setMetrics(new PluginMetrics() {
            @Override
            public void callbackFailed(String plugin, String kind) {
                counted.add(kind);
            }
        });
        manager.load(PluginJarBuilder.plugin("careless").body("""
                public void initialize(PluginContext context) {
                    context.eventBus().on("tick", e -> { throw new IllegalStateException("listener"); });
                }
                """).build(dir));
        log.addHandler(capture);
        try {
            for (int i = 0; i < 50; i++) {
                manager.publish("tick", i);
            }
            manager.unload("careless");
        } finally {
            log.removeHandler(capture);
        }

        assertThat(told).hasSize(50);
        assertThat(counted).hasSize(50);
        assertThat(warnings).containsExactly(
                "plugin 'careless': listener for event 'tick' failed: java.lang.IllegalStateException: listener",
                "plugin 'careless' unloaded with 49 more errors of its event listeners not logged; its metrics count"
                        + " every one");
    }

    @Test
    void metricsThatThrowNeverFailPluginCode() {
        manager.setMetrics(new PluginMetrics() {
            @Override
            public void executed(String plugin, long nanos, boolean failed) {
                throw new IllegalStateException("broken metrics");
            }
        });
        manager.load(PluginJarBuilder.plugin("robust").body("public Object execute(Object in) { return 1; }").build(dir));

        assertThat(manager.execute("robust", null)).isEqualTo(1);
    }
}
