package io.pluginhost.runtime;

import io.pluginhost.api.Plugin;
import io.pluginhost.runtime.testing.ChildJvm;
import io.pluginhost.runtime.testing.Gc;
import io.pluginhost.runtime.testing.PluginJarBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.ref.WeakReference;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An undeploy of the host must let its own class loader go, as an unload lets a plugin's go: what the
 * engine does in the JDK on the plugins' behalf (ImageIO's start before a {@code java.desktop} plugin's code,
 * the listeners that watch the MBean servers, the threads that flush the bean caches) must not keep the
 * host's classes once its engine closed, or each redeploy of the EAR would keep another copy. A child JVM
 * (ImageIO starts once per JVM) loads the engine in a loader of its own, as WildFly loads a deployment,
 * runs plugins that reach those parts of the JDK (and a library's JDBC driver, scheduled tasks, listeners), closes
 * the engine and drops the loader.
 */
class UndeployedHostTest {

    @TempDir
    Path dir;

    @Test
    void aClosedEngineKeepsNothingOfTheHostsLoaderAfterItsPluginsUsedTheJdk() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        PluginJarBuilder.plugin("imaging").requiresJdkModule("java.desktop").body("""
                public void initialize(PluginContext context) throws Exception {
                    javax.imageio.ImageIO.getReaderFormatNames();
                    java.beans.Introspector.getBeanInfo(getClass());
                }
                public Object execute(Object input) {
                    return javax.imageio.ImageIO.getReaderFormatNames().length;
                }
                """).build(plugins);
        PluginJarBuilder.plugin("managed").requiresJdkModule("java.management").requiresJdkModule("java.logging")
                .body("""
                public void initialize(PluginContext context) throws Exception {
                    java.lang.management.ManagementFactory.getPlatformMBeanServer().registerMBean(
                            new javax.management.StandardMBean(() -> { }, Runnable.class),
                            new javax.management.ObjectName("pluginhost.undeploy:type=Left"));
                    java.util.logging.Logger.getLogger("pluginhost.undeploy").info("managed starts");
                    context.eventBus().on("undeploy:*", event -> { });
                    context.scheduler().scheduleAtFixedRate(java.time.Duration.ofMillis(10),
                            java.time.Duration.ofMillis(10), () -> { });
                }
                """).build(plugins);
        Path driver = PluginJarBuilder.selfRegisteringJdbcDriver(Files.createDirectories(dir.resolve("fakedb")));
        PluginJarBuilder.plugin("driving").library(driver).body("""
                public void initialize(PluginContext context) throws Exception {
                    Class.forName("fakedb.FakeDriver", true, getClass().getClassLoader());
                }
                """).build(plugins);
        String log = ChildJvm.run(dir.resolve("child.log"), 120, List.of("-Xmx256m",
                "--add-opens", "java.base/java.lang=ALL-UNNAMED"), // as WildFly's launcher opens it
                Deployment.class, plugins.toString(), codeSource(ModuleLayerPluginManager.class).toString(),
                codeSource(Plugin.class).toString());

        assertThat(log).as("what the child JVM printed").contains("loaded 3 plugins").contains("host loader collected");
    }

    private static URL codeSource(Class<?> type) {
        return type.getProtectionDomain().getCodeSource().getLocation();
    }

    /**
     * The child JVM: the engine and the API in a loader of their own, used with that loader as context
     * loader, as a deployment's threads have; then closed and let go.
     */
    public static final class Deployment {
        public static void main(String[] args) throws Exception {
            WeakReference<ClassLoader> host = deployUseAndUndeploy(Path.of(args[0]),
                    new URL[] {new URL(args[1]), new URL(args[2])});
            System.out.println(Gc.collects(host) ? "host loader collected" : "host loader kept after undeploy");
        }

        private static WeakReference<ClassLoader> deployUseAndUndeploy(Path plugins, URL[] hostClasses)
                throws ReflectiveOperationException, IOException {
            Thread thread = Thread.currentThread();
            ClassLoader before = thread.getContextClassLoader();
            URLClassLoader host = new URLClassLoader("deployment", hostClasses, ClassLoader.getPlatformClassLoader());
            thread.setContextClassLoader(host);
            try {
                Class<?> engineClass = host.loadClass(ModuleLayerPluginManager.class.getName());
                AutoCloseable engine = (AutoCloseable) engineClass.getConstructor().newInstance();
                try {
                    Object loaded = engineClass.getMethod("loadDirectory", Path.class).invoke(engine, plugins);
                    Object names = loaded.getClass().getMethod("loaded").invoke(loaded);
                    System.out.println("loaded " + ((java.util.List<?>) names).size() + " plugins");
                    // on this thread, which outlives the engine as a server's request threads outlive a deployment
                    engineClass.getMethod("publish", String.class, Object.class).invoke(engine, "undeploy:soon", null);
                    engineClass.getMethod("execute", String.class, Object.class).invoke(engine, "imaging", null);
                } finally {
                    engine.close();
                }
            } catch (Exception e) {
                e.printStackTrace(System.out);
            } finally {
                thread.setContextClassLoader(before);
                host.close();
            }
            return new WeakReference<>(host);
        }
    }
}
