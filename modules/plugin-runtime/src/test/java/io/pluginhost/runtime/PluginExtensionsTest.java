package io.pluginhost.runtime;

import io.pluginhost.api.exception.InvalidArgumentException;
import io.pluginhost.api.exception.PluginException;
import io.pluginhost.api.exception.PluginExecutionException;
import io.pluginhost.api.exception.PluginUnloadException;
import io.pluginhost.runtime.testing.Gc;
import io.pluginhost.runtime.testing.PluginJarBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Extension points: {@code payments} declares an interface, plugins that depend on it implement it
 * ({@code provides ... with ...}), and {@code payments} finds them with {@code context.extensions}.
 */
class PluginExtensionsTest {

    private static final String POINT = "test.payments.api.PaymentMethod";

    @TempDir
    Path dir;

    private final ModuleLayerPluginManager manager = new ModuleLayerPluginManager();
    private final List<String> failures = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() {
        manager.close();
    }

    /**
     * {@code payments}: execute("pay") pays 100 with every method loaded now; "keep" keeps the methods
     * loaded now in a field, "pay kept" pays with those; "keep failure" pays with the first and keeps
     * what it throws; "ask <name>" asks for the type given by name.
     */
    private Path payments() {
        return PluginJarBuilder.plugin("payments")
                .source("test/payments/api/PaymentMethod.java", """
                        package test.payments.api;
                        public interface PaymentMethod {
                            String pay(int cents);
                        }""")
                .exports("test.payments.api")
                .body("""
                        private PluginContext context;
                        private List<test.payments.api.PaymentMethod> kept = List.of();
                        private RuntimeException keptFailure;
                        public void initialize(PluginContext context) { this.context = context; }
                        public Object execute(Object in) throws Exception {
                            String command = String.valueOf(in);
                            if (command.equals("keep")) {
                                kept = context.extensions(test.payments.api.PaymentMethod.class);
                                return kept.size();
                            }
                            if (command.equals("keep failure")) {
                                try {
                                    context.extensions(test.payments.api.PaymentMethod.class).get(0).pay(1);
                                    return "paid";
                                } catch (RuntimeException e) {
                                    keptFailure = e;
                                    return e.getClass().getName() + ": " + e.getMessage();
                                }
                            }
                            if (command.startsWith("ask ")) {
                                return context.extensions(Class.forName(command.substring(4))).size();
                            }
                            List<String> paid = new ArrayList<>();
                            for (test.payments.api.PaymentMethod method : command.equals("pay kept") ? kept
                                    : context.extensions(test.payments.api.PaymentMethod.class)) {
                                paid.add(method.pay(100));
                            }
                            return paid;
                        }""")
                .build(dir);
    }

    /** A plugin that depends on {@code payments} and implements its extension point with {@code methodBody}. */
    private Path method(String name, Path payments, String methodBody) {
        String pkg = PluginJarBuilder.moduleOf(name);
        return PluginJarBuilder.plugin(name).dependsOnJar("payments", payments)
                .source(pkg.replace('.', '/') + "/Method.java", "package " + pkg + ";\n"
                        + "public final class Method implements test.payments.api.PaymentMethod {\n"
                        + methodBody + "\n}")
                .provides(POINT, pkg + ".Method")
                .build(dir);
    }

    private void assertUnloadedLoadersCollected(String whose) {
        assertThat(Gc.collectsAll(manager::unloadedButNotCollected))
                .as("every unloaded plugin's loader collected (%s); still alive: %s", whose,
                        manager.unloadedButNotCollected()).isTrue();
    }

    private Path paying(String name, Path payments) {
        return method(name, payments, "public String pay(int cents) { return \"" + name + " \" + cents; }");
    }

    @Test
    void theImplementationsOfTheLoadedPluginsAreFoundInLoadOrderAndGoneOnceTheyUnload() {
        Path payments = payments();
        manager.load(payments);
        assertThat(manager.execute("payments", "pay")).isEqualTo(List.of());

        manager.load(paying("stripe", payments));
        manager.load(paying("paypal", payments));
        assertThat(manager.execute("payments", "pay")).isEqualTo(List.of("stripe 100", "paypal 100"));
        assertThat(manager.find("stripe").orElseThrow().extensions()).containsExactly(POINT);
        assertThat(manager.find("payments").orElseThrow().extensions()).isEmpty();

        manager.unload("stripe");
        assertThat(manager.execute("payments", "pay")).isEqualTo(List.of("paypal 100"));
        manager.load(paying("stripe", payments));
        assertThat(manager.execute("payments", "pay")).isEqualTo(List.of("paypal 100", "stripe 100"));
    }

    @Test
    void aHandleKeptPastItsPluginsUnloadFailsTypedAndKeepsNothingOfThePlugin() {
        Path payments = payments();
        manager.load(payments);
        manager.load(paying("stripe", payments));
        assertThat(manager.execute("payments", "keep")).isEqualTo(1);
        assertThat(manager.execute("payments", "pay kept")).isEqualTo(List.of("stripe 100"));

        manager.unload("stripe");

        assertThatThrownBy(() -> manager.execute("payments", "pay kept"))
                .isInstanceOf(PluginExecutionException.class)
                .hasMessageContaining("PluginContextInvalidatedException").hasMessageContaining("stripe");
        assertUnloadedLoadersCollected("stripe's, while payments keeps its handle");
    }

    @Test
    void whatAnImplementationThrowsReachesTheCallerDetachedSoKeepingItKeepsNothingOfThePlugin() {
        Path payments = payments();
        manager.load(payments);
        manager.load(method("declining", payments, """
                static final class Declined extends RuntimeException {
                    Declined(String message) { super(message); }
                }
                public String pay(int cents) { throw new Declined("card declined for " + cents); }"""));

        assertThat(manager.execute("payments", "keep failure")).isEqualTo(PluginExecutionException.class.getName()
                + ": plugin 'declining' failed in its extension " + POINT + ".pay:"
                + " test.declining.Method$Declined: card declined for 1");

        manager.unload("declining");
        assertUnloadedLoadersCollected("declining's, while payments keeps what it threw");
    }

    @Test
    void anImplementationRunsAsItsOwnPluginsCode() {
        Path payments = payments();
        manager.load(payments);
        manager.load(method("probe", payments, """
                public String pay(int cents) {
                    ClassLoader context = Thread.currentThread().getContextClassLoader();
                    return String.valueOf(context == getClass().getClassLoader());
                }"""));

        assertThat(manager.execute("payments", "pay")).as("the probe's loader is the context loader in its calls")
                .isEqualTo(List.of("true"));
    }

    @Test
    void anUnloadWaitsForACallInFlightIntoItsExtensionAsForAnExecute() throws Exception {
        Duration drainTimeout = Duration.ofMillis(200);
        try (ModuleLayerPluginManager engine = new ModuleLayerPluginManager(HostServices.NONE, drainTimeout)) {
            Path payments = payments();
            engine.load(payments);
            engine.load(method("slow", payments, """
                    public String pay(int cents) {
                        java.util.Properties shared = System.getProperties();
                        ((java.util.concurrent.CountDownLatch) shared.get("slow.entered")).countDown();
                        try {
                            ((java.util.concurrent.CountDownLatch) shared.get("slow.release")).await();
                        } catch (InterruptedException e) {
                            throw new IllegalStateException(e);
                        }
                        return "slow " + cents;
                    }"""));
            CountDownLatch entered = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            System.getProperties().put("slow.entered", entered);
            System.getProperties().put("slow.release", release);
            ExecutorService caller = Executors.newSingleThreadExecutor();
            try {
                Future<Object> paying = caller.submit(() -> engine.execute("payments", "pay"));
                assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();

                assertThatThrownBy(() -> engine.unload("slow")).isInstanceOf(PluginUnloadException.class)
                        .hasMessageContaining("still has 1 call(s) in progress");

                release.countDown();
                assertThat(paying.get(10, TimeUnit.SECONDS)).isEqualTo(List.of("slow 100"));
                engine.unload("slow");
                assertThat(engine.execute("payments", "pay")).isEqualTo(List.of());
            } finally {
                release.countDown();
                caller.shutdownNow();
                System.getProperties().remove("slow.entered");
                System.getProperties().remove("slow.release");
            }
        }
    }

    @Test
    void anImplementationThatCannotBeMadeIsLeftOutAndReportedAsItsPluginsError() {
        manager.addLifecycleListener(new PluginLifecycleListener() {
            @Override
            public void pluginFailed(String pluginName, Path source, PluginException error) {
                failures.add(pluginName + ": " + error.getMessage());
            }
        });
        List<String> counted = new java.util.concurrent.CopyOnWriteArrayList<>();
        manager.setMetrics(new PluginMetrics() {
            @Override
            public void callbackFailed(String plugin, String kind) {
                counted.add(plugin + " " + kind);
            }
        });
        Path payments = payments();
        manager.load(payments);
        manager.load(method("broken", payments, """
                public Method() { throw new IllegalStateException("no API key"); }
                public String pay(int cents) { return "never"; }"""));
        manager.load(paying("paypal", payments));

        assertThat(manager.execute("payments", "pay")).isEqualTo(List.of("paypal 100"));
        assertThat(manager.execute("payments", "pay")).isEqualTo(List.of("paypal 100"));
        assertThat(failures).hasSize(1).first(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                .startsWith("broken: ").contains("making its extension " + POINT, "no API key");
        assertThat(counted).containsExactly("broken extension");
    }

    @Test
    void anExtensionPointIsAnInterfaceOtherThanPlugin() {
        manager.load(payments());

        for (String type : List.of("java.lang.String", "io.pluginhost.api.Plugin")) {
            assertThatThrownBy(() -> manager.execute("payments", "ask " + type))
                    .isInstanceOf(PluginExecutionException.class)
                    .hasMessageContaining(InvalidArgumentException.class.getName())
                    .hasMessageContaining("an extension point is an interface other than Plugin; got " + type);
        }
        assertThat(manager.execute("payments", "ask java.lang.Runnable")).isEqualTo(0);
    }
}
