package io.pluginhost.runtime;

import io.pluginhost.api.exception.PluginLoadException;
import io.pluginhost.runtime.testing.CountingMBeanServer;
import io.pluginhost.runtime.testing.ExamplePlugins;
import io.pluginhost.runtime.testing.FakeDatabase;
import io.pluginhost.runtime.testing.Gc;
import io.pluginhost.runtime.testing.Handoff;
import io.pluginhost.runtime.testing.PluginJarBuilder;
import io.pluginhost.runtime.testing.RecordingListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.ref.WeakReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Unload means gone: the plugin's class loader is garbage collected. Each test gets a weak reference
 * to a plugin's loader from the plugin itself (handed off through system properties, never held
 * strongly by the test), unloads, and drives GC until the reference clears.
 */
class ClassLoaderLeakTest {

    @TempDir
    Path dir;

    private final RecordingListener events = new RecordingListener();
    private final ModuleLayerPluginManager manager = new ModuleLayerPluginManager(
            HostServices.NONE.withDatabase(new FakeDatabase()), Duration.ofSeconds(5));

    ClassLoaderLeakTest() {
        manager.addLifecycleListener(events);
    }

    @AfterEach
    void stop() {
        manager.close();
    }

    /**
     * A plugin that hands off a weak reference to its loader under "{name}.loader" in initialize, and
     * otherwise does what a busy plugin does: keeps its context, listens (on and once), uses its
     * repository, holds its dependency, throws from a listener.
     */
    private PluginJarBuilder busyPlugin(String name) {
        return PluginJarBuilder.plugin(name).tables("items").body("""
                private PluginContext context;
                private final List<Object> seen = new ArrayList<>();
                public void initialize(PluginContext context) throws Exception {
                    %s
                    this.context = context;
                    context.eventBus().on("work:*", e -> seen.add(e.data()));
                    context.eventBus().once("work:once", e -> seen.add("once"));
                    context.eventBus().on("boom", e -> { throw new IllegalStateException("listener failure " + this); });
                    context.database().orElseThrow().executeQuery("items");
                    context.eventBus().emit("busy:ready", new Object() { public String toString() { return "anonymous plugin object"; } });
                }
                public Object execute(Object in) {
                    if ("throw".equals(in)) throw new IllegalArgumentException("execute failure " + this);
                    return seen.size();
                }
                """.formatted(Handoff.put(name + ".loader",
                "new java.lang.ref.WeakReference<ClassLoader>(getClass().getClassLoader())")));
    }

    private static WeakReference<ClassLoader> loaderOf(String plugin) {
        WeakReference<ClassLoader> reference = Handoff.take(plugin + ".loader");
        assertThat(reference).as("plugin %s handed off its loader", plugin).isNotNull();
        assertThat(reference.get()).isNotNull();
        return reference;
    }

    @Test
    void anUnloadedPluginsLoaderIsCollected() {
        manager.load(busyPlugin("busy").build(dir));
        WeakReference<ClassLoader> loader = loaderOf("busy");
        manager.publish("work:a", "x");
        manager.publish("work:once", "y");
        manager.publish("boom", null);
        assertThat(manager.execute("busy", null)).isEqualTo(3);
        assertThatThrownBy(() -> manager.execute("busy", "throw")).hasMessageContaining("execute failure");
        assertThat(events.errors).isNotEmpty();

        manager.unload("busy");

        assertThat(Gc.collects(loader)).as("loader of the unloaded plugin is collected").isTrue();
        assertThat(manager.unloadedButNotCollected()).isEmpty();
    }

    @Test
    void theDiagnosticNamesAnUnloadedPluginWhoseLoaderIsStillReachable() {
        manager.load(busyPlugin("pinned").build(dir));
        WeakReference<ClassLoader> weak = loaderOf("pinned");
        ClassLoader pinned = weak.get();

        manager.unload("pinned");
        Gc.settle();

        assertThat(manager.unloadedButNotCollected()).containsExactly("pinned@1.0.0");
        assertThat(pinned).isNotNull();
    }

    @Test
    void afterAReloadTheOldLoaderIsCollectedAndTheNewOneServes() throws Exception {
        Path jar = busyPlugin("phoenix").build(dir);
        manager.load(jar);
        WeakReference<ClassLoader> old = loaderOf("phoenix");

        manager.reload("phoenix");
        WeakReference<ClassLoader> current = loaderOf("phoenix");

        assertThat(Gc.collects(old)).as("old loader collected after reload").isTrue();
        assertThat(current.get()).isNotNull();
        assertThat(manager.execute("phoenix", null)).isEqualTo(0);
    }

    @Test
    void aLoadThatFailedInInitializeLeavesNoLoaderBehind() {
        Path jar = busyPlugin("doomed").body("""
                public void initialize(PluginContext context) throws Exception {
                    %s
                    context.eventBus().on("x", e -> { });
                    throw new IllegalStateException("cannot start " + this);
                }
                """.formatted(Handoff.put("doomed.loader",
                "new java.lang.ref.WeakReference<ClassLoader>(getClass().getClassLoader())"))).build(dir);

        assertThatThrownBy(() -> manager.load(jar)).isInstanceOf(PluginLoadException.class);
        WeakReference<ClassLoader> loader = loaderOf("doomed");

        assertThat(Gc.collects(loader)).as("loader of the failed plugin is collected").isTrue();
        // The reported error keeps only text, so keeping it keeps nothing alive.
        assertThat(events.errors).isNotEmpty();
    }

    /**
     * A provider whose constructor registers something in the JDK and then throws never becomes a plugin, so
     * no unload sweeps it: what it registered must be undone when its load fails.
     */
    @Test
    void aLoadThatFailedInTheConstructorAfterItRegisteredInTheJdkLeavesNoLoaderBehind() {
        Path jar = PluginJarBuilder.plugin("stillborn").requiresJdkModule("java.logging").body("""
                public TestPlugin() {
                    java.util.logging.Logger.getLogger("pluginhost.stillborn").addHandler(
                            new java.util.logging.Handler() {
                                public void publish(java.util.logging.LogRecord r) { }
                                public void flush() { }
                                public void close() { }
                            });
                    Runtime.getRuntime().addShutdownHook(new Thread(() -> { }));
                    %s
                    throw new IllegalStateException("cannot be made");
                }
                """.formatted(Handoff.put("stillborn.loader",
                "new java.lang.ref.WeakReference<ClassLoader>(getClass().getClassLoader())"))).build(dir);

        assertThatThrownBy(() -> manager.load(jar)).isInstanceOf(PluginLoadException.class)
                .hasMessageContaining("cannot be made");
        WeakReference<ClassLoader> loader = loaderOf("stillborn");

        assertThat(Gc.collects(loader)).as("loader of a plugin whose constructor registered and threw").isTrue();
    }

    @Test
    void aDependencyAndItsDependentAreBothCollectedAfterACascadingUnload() throws Exception {
        Path one = Files.copy(ExamplePlugins.one(), dir.resolve("one.jar"), StandardCopyOption.REPLACE_EXISTING);
        manager.load(one);
        manager.load(busyPlugin("child").dependsOn("example-plugin-1").build(dir));
        WeakReference<ClassLoader> child = loaderOf("child");
        manager.load(ExamplePlugins.two());
        assertThat(manager.execute("example-plugin-2", Map.of("numbers", List.of(1)))).isNotNull();

        manager.unload("example-plugin-1", true);

        assertThat(Gc.collects(child)).isTrue();
        Gc.settle();
        assertThat(manager.unloadedButNotCollected()).isEmpty();
    }

    /**
     * The engine reuses one thread for {@code initialize} and {@code cleanup}; whatever a plugin
     * leaves on it (its own thread local holding itself, an inheritable one, an uncaught-exception
     * handler, a context loader, an interrupt) must not keep the plugin alive after unload.
     */
    /**
     * A JDBC driver a plugin ships registers itself with {@code DriverManager}, which holds it for the
     * life of the JVM (the classic leak of plugin and web-application hosts). The engine deregisters
     * the drivers of the plugin's own loader at unload, from inside that loader, as only code that
     * sees a driver's class may deregister it.
     */
    @Test
    void aJdbcDriverThePluginRegisteredIsDeregisteredAtUnload() throws Exception {
        Path driver = PluginJarBuilder.selfRegisteringJdbcDriver(java.nio.file.Files.createDirectories(
                dir.resolve("fakedb")));
        manager.load(PluginJarBuilder.plugin("with-driver").library(driver).body("""
                public void initialize(PluginContext context) throws Exception {
                    Class.forName("fakedb.FakeDriver", true, getClass().getClassLoader());
                    %s
                }
                """.formatted(Handoff.put("with-driver.loader",
                "new java.lang.ref.WeakReference<ClassLoader>(getClass().getClassLoader())"))).build(dir));
        WeakReference<ClassLoader> loader = loaderOf("with-driver");

        manager.unload("with-driver");

        assertThat(Gc.collects(loader)).as("loader of the plugin that registered a driver is collected").isTrue();
        assertThat(events.events).anySatisfy(event -> assertThat(event).isEqualTo("unloaded with-driver"));
    }

    @Test
    void aPluginThatUsedJavaSerializationOnItsOwnClassesIsCollected() throws Exception {
        manager.load(PluginJarBuilder.plugin("serializer").body("""
                static final class Note implements java.io.Serializable {
                    private static final long serialVersionUID = 1L;
                    String text = "kept";
                }
                public void initialize(PluginContext context) throws Exception {
                    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
                    try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
                        out.writeObject(new Note());
                    }
                    try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(
                            new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
                        in.readObject();
                    }
                    %s
                }
                """.formatted(Handoff.put("serializer.loader",
                "new java.lang.ref.WeakReference<ClassLoader>(getClass().getClassLoader())"))).build(dir));
        WeakReference<ClassLoader> loader = loaderOf("serializer");

        manager.unload("serializer");

        assertThat(Gc.collects(loader)).as("loader of a plugin that serialized its own class is collected").isTrue();
    }

    static Stream<Arguments> globalRegistrations() {
        return Stream.of(
                Arguments.of("a java.util.logging handler on the root logger", "java.logging", """
                        java.util.logging.Logger.getLogger("").addHandler(new java.util.logging.Handler() {
                            public void publish(java.util.logging.LogRecord r) { }
                            public void flush() { }
                            public void close() { }
                        });
                        """),
                Arguments.of("a security provider", "java.base", """
                        java.security.Security.addProvider(new java.security.Provider("leaky-provider", "1.0",
                                "a provider the plugin never removes") { });
                        """),
                Arguments.of("a shutdown hook", "java.base", """
                        Runtime.getRuntime().addShutdownHook(new Thread(() -> { }, "leaky-hook"));
                        """),
                Arguments.of("the default uncaught exception handler", "java.base", """
                        Thread.setDefaultUncaughtExceptionHandler((thread, error) -> { });
                        """),
                Arguments.of("the default authenticator", "java.base", """
                        java.net.Authenticator.setDefault(new java.net.Authenticator() { });
                        """),
                Arguments.of("the default proxy selector", "java.base", """
                        java.net.ProxySelector.setDefault(new java.net.ProxySelector() {
                            public List<java.net.Proxy> select(java.net.URI uri) {
                                return List.of(java.net.Proxy.NO_PROXY);
                            }
                            public void connectFailed(java.net.URI u, java.net.SocketAddress a, java.io.IOException e) {
                            }
                        });
                        """),
                Arguments.of("the default cookie handler", "java.base", """
                        java.net.CookieHandler.setDefault(new java.net.CookieManager() { });
                        """),
                Arguments.of("the default response cache", "java.base", """
                        java.net.ResponseCache.setDefault(new java.net.ResponseCache() {
                            public java.net.CacheResponse get(java.net.URI u, String m, Map<String, List<String>> h) {
                                return null;
                            }
                            public java.net.CacheRequest put(java.net.URI u, java.net.URLConnection c) { return null; }
                        });
                        """),
                Arguments.of("the default HTTPS host name verifier (trust all)", "java.base", """
                        javax.net.ssl.HttpsURLConnection.setDefaultHostnameVerifier((host, session) -> true);
                        """),
                Arguments.of("a platform MBean", "java.management", """
                        java.lang.management.ManagementFactory.getPlatformMBeanServer().registerMBean(
                                new javax.management.DynamicMBean() {
                                    public Object getAttribute(String a) { return null; }
                                    public void setAttribute(javax.management.Attribute a) { }
                                    public javax.management.AttributeList getAttributes(String[] a) {
                                        return new javax.management.AttributeList();
                                    }
                                    public javax.management.AttributeList setAttributes(javax.management.AttributeList a) {
                                        return a;
                                    }
                                    public Object invoke(String a, Object[] p, String[] s) { return null; }
                                    public javax.management.MBeanInfo getMBeanInfo() {
                                        return new javax.management.MBeanInfo(getClass().getName(), "probe", null, null,
                                                null, null);
                                    }
                                }, new javax.management.ObjectName("pluginhost.test:type=LeakyProbe"));
                        """),
                Arguments.of("an MBean wrapped in a StandardMBean", "java.management", """
                        java.lang.management.ManagementFactory.getPlatformMBeanServer().registerMBean(
                                new javax.management.StandardMBean(new Runnable() { public void run() { } },
                                        Runnable.class),
                                new javax.management.ObjectName("pluginhost.test:type=WrappedProbe"));
                        """),
                Arguments.of("a lambda wrapped in a StandardMBean", "java.management", """
                        java.lang.management.ManagementFactory.getPlatformMBeanServer().registerMBean(
                                new javax.management.StandardMBean(() -> { }, Runnable.class),
                                new javax.management.ObjectName("pluginhost.test:type=WrappedLambda"));
                        """));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("globalRegistrations")
    void whatAPluginRegisteredInTheJdksGlobalRegistriesIsUndoneAtUnload(String what, String module, String code)
            throws Exception {
        manager.load(PluginJarBuilder.plugin("registrar").requiresJdkModule(module).body("""
                public void initialize(PluginContext context) throws Exception {
                    %s
                    %s
                }
                """.formatted(code, Handoff.put("registrar.loader",
                "new java.lang.ref.WeakReference<ClassLoader>(getClass().getClassLoader())"))).build(dir));
        WeakReference<ClassLoader> loader = loaderOf("registrar");

        manager.unload("registrar");

        assertThat(Gc.collects(loader)).as("loader of a plugin that left %s is collected", what).isTrue();
    }

    /** The process-wide defaults a plugin replaced are the host's again once it is gone, not merely unset. */
    @Test
    void aJdkDefaultAPluginReplacedIsTheHostsAgainAfterItsUnload() {
        java.net.ProxySelector proxies = java.net.ProxySelector.getDefault();
        javax.net.ssl.HostnameVerifier verifier = javax.net.ssl.HttpsURLConnection.getDefaultHostnameVerifier();
        manager.load(PluginJarBuilder.plugin("trusting").body("""
                public void initialize(PluginContext context) {
                    javax.net.ssl.HttpsURLConnection.setDefaultHostnameVerifier((host, session) -> true);
                    java.net.ProxySelector.setDefault(java.net.ProxySelector.of(null));
                }
                """).build(dir));
        try {
            assertThat(javax.net.ssl.HttpsURLConnection.getDefaultHostnameVerifier()).isNotSameAs(verifier);

            manager.unload("trusting");

            assertThat(javax.net.ssl.HttpsURLConnection.getDefaultHostnameVerifier()).isSameAs(verifier);
            assertThat(java.net.ProxySelector.getDefault()).as("the JDK's own selector the plugin set stays")
                    .isNotSameAs(proxies);
        } finally { // the JVM's defaults are every later test's too
            java.net.ProxySelector.setDefault(proxies);
            javax.net.ssl.HttpsURLConnection.setDefaultHostnameVerifier(verifier);
        }
    }

    /**
     * Listing every MBean of WildFly's server walks its management model and took half a second, so each unload
     * of a plugin that can reach {@code java.management} (every plugin with a library, an automatic module)
     * took that long, and {@code unloadAll} of many of them minutes. The sweep looks only at the MBeans
     * registered since it began to watch the server, before the plugin's code ran; a server the plugin made
     * itself was not watched, and is listed whole.
     */
    @Test
    void anUnloadLooksOnlyAtTheMBeansRegisteredSinceThePluginsCodeFirstRan() throws Exception {
        javax.management.MBeanServer container = CountingMBeanServer.create("pluginhost.container");
        try {
            for (int i = 0; i < 200; i++) {
                container.registerMBean(new javax.management.StandardMBean(() -> { }, Runnable.class),
                        new javax.management.ObjectName("pluginhost.container:type=HostBean,n=" + i));
            }
            manager.load(PluginJarBuilder.plugin("managed").requiresJdkModule("java.management").body("""
                    public void initialize(PluginContext context) throws Exception {
                        for (javax.management.MBeanServer server
                                : javax.management.MBeanServerFactory.findMBeanServer(null)) {
                            if (server.getDefaultDomain().equals("pluginhost.container")) {
                                server.registerMBean(new javax.management.StandardMBean(new Runnable() {
                                    public void run() { }
                                }, Runnable.class), new javax.management.ObjectName("pluginhost.container:type=Probe"));
                            }
                        }
                        javax.management.MBeanServerFactory.createMBeanServer("pluginhost.own").registerMBean(
                                new javax.management.StandardMBean(new Runnable() { public void run() { } },
                                        Runnable.class), new javax.management.ObjectName("pluginhost.own:type=Probe"));
                        %s
                    }
                    """.formatted(Handoff.put("managed.loader",
                    "new java.lang.ref.WeakReference<ClassLoader>(getClass().getClassLoader())"))).build(dir));
            WeakReference<ClassLoader> loader = loaderOf("managed");
            javax.management.MBeanServer own = javax.management.MBeanServerFactory.findMBeanServer(null).stream()
                    .filter(server -> server.getDefaultDomain().equals("pluginhost.own")).findFirst().orElseThrow();
            try {
                manager.unload("managed");

                assertThat(container.isRegistered(new javax.management.ObjectName("pluginhost.container:type=Probe")))
                        .isFalse();
                assertThat(own.isRegistered(new javax.management.ObjectName("pluginhost.own:type=Probe"))).isFalse();
                assertThat(Gc.collects(loader)).as("loader of a plugin that left two MBeans is collected").isTrue();
                assertThat(CountingMBeanServer.of(container).listings()).as("times the container's 201 MBeans"
                        + " were all listed").isZero();
                assertThat(CountingMBeanServer.of(container).classLoaderLookups()).as("MBeans looked at one by one")
                        .isLessThanOrEqualTo(1);
            } finally {
                javax.management.MBeanServerFactory.releaseMBeanServer(own);
            }
        } finally {
            CountingMBeanServer.release(container);
        }
    }

    /** What the engine listens to in the JVM's MBean servers would keep the host's classes after its undeploy. */
    @Test
    void aClosedEngineLeavesNoListenerInAnMBeanServer() {
        javax.management.MBeanServer container = CountingMBeanServer.create("pluginhost.container");
        try {
            manager.load(PluginJarBuilder.plugin("managed").requiresJdkModule("java.management").build(dir));
            manager.unload("managed");
            manager.load(PluginJarBuilder.plugin("managed").requiresJdkModule("java.management").build(dir));

            manager.close();

            assertThat(CountingMBeanServer.of(container).listenersLeft()).isZero();
        } finally {
            CountingMBeanServer.release(container);
        }
    }

    /**
     * ImageIO keeps every image reader and writer it found for the life of the JVM: a plugin's (a library
     * such as TwelveMonkeys, registered with {@code ImageIO.scanForPlugins()}, or found because ImageIO first
     * ran with the plugin's context loader) kept its loader after unload, and went on serving the server's
     * other image code from an unloaded plugin.
     */
    @Test
    void anImageIoProviderOfThePluginIsDeregisteredAtUnload() throws Exception {
        manager.load(PluginJarBuilder.plugin("imaging").requiresJdkModule("java.desktop")
                .library(PluginJarBuilder.imageIoReaderLibrary(dir)).body("""
                public void initialize(PluginContext context) {
                    javax.imageio.ImageIO.scanForPlugins();
                    %s
                }
                """.formatted(Handoff.put("imaging.loader",
                "new java.lang.ref.WeakReference<ClassLoader>(getClass().getClassLoader())"))).build(dir));
        WeakReference<ClassLoader> loader = loaderOf("imaging");
        assertThat(javax.imageio.ImageIO.getReaderFormatNames()).contains("fakeimagefmt");

        manager.unload("imaging");

        assertThat(javax.imageio.ImageIO.getReaderFormatNames()).doesNotContain("fakeimagefmt");
        assertThat(Gc.collects(loader)).as("loader of a plugin whose library registered an ImageIO reader")
                .isTrue();
    }

    /**
     * A plugin's own {@code Cleaner} keeps its loader while an action it registered has not run (a known
     * limit, in the README); one that cleans what it registered in {@code cleanup} is collected, as the
     * README advises.
     */
    @Test
    void aPluginThatCleansWhatItRegisteredWithItsOwnCleanerIsCollected() {
        manager.load(PluginJarBuilder.plugin("cleaning").body("""
                static final java.lang.ref.Cleaner CLEANER = java.lang.ref.Cleaner.create();
                static final Object WATCHED = new Object();
                static java.lang.ref.Cleaner.Cleanable registered;
                public void initialize(PluginContext context) {
                    registered = CLEANER.register(WATCHED, () -> { });
                    %s
                }
                public void cleanup() {
                    registered.clean();
                }
                """.formatted(Handoff.put("cleaning.loader",
                "new java.lang.ref.WeakReference<ClassLoader>(getClass().getClassLoader())"))).build(dir));
        WeakReference<ClassLoader> loader = loaderOf("cleaning");

        manager.unload("cleaning");

        assertThat(Gc.collects(loader)).as("loader of a plugin that cleaned what its Cleaner held").isTrue();
    }

    static Stream<Arguments> jdkCaches() {
        return Stream.of(
                Arguments.of("a resource bundle of its own (ResourceBundle's cache)", "java.base", """
                        public static final class Messages extends java.util.ListResourceBundle {
                            protected Object[][] getContents() { return new Object[][] {{"hello", "hello"}}; }
                        }
                        public Object execute(Object in) {
                            return java.util.ResourceBundle.getBundle(Messages.class.getName()).getString("hello");
                        }
                        """),
                Arguments.of("a bean of its own (java.beans.Introspector's cache)", "java.desktop", """
                        public static final class Bean {
                            public String getHello() { return "hello"; }
                        }
                        public Object execute(Object in) throws Exception {
                            return java.beans.Introspector.getBeanInfo(Bean.class).getPropertyDescriptors()[1]
                                    .getReadMethod().invoke(new Bean());
                        }
                        """));
    }

    /**
     * The JDK caches what it looked up for a class, for the life of the JVM or until memory runs short
     * (soft references, which a server with free heap keeps for minutes to hours): a plugin's own resource
     * bundle or bean would keep its loader. The call runs on a thread of another thread group than the
     * unload, as a container's request threads do, since some of these caches are per thread group.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("jdkCaches")
    void whatTheJdkCachedForAPluginsClassesIsDroppedAtUnload(String what, String module, String code)
            throws Exception {
        manager.load(PluginJarBuilder.plugin("cached").requiresJdkModule(module).body("""
                public void initialize(PluginContext context) {
                    %s
                }
                %s
                """.formatted(Handoff.put("cached.loader",
                "new java.lang.ref.WeakReference<ClassLoader>(getClass().getClassLoader())"), code)).build(dir));
        WeakReference<ClassLoader> loader = loaderOf("cached");
        Object[] answer = new Object[1];
        Thread request = new Thread(new ThreadGroup("requests"), () -> answer[0] = manager.execute("cached", null));
        request.start();
        request.join();
        assertThat(answer[0]).isEqualTo("hello");

        manager.unload("cached");

        assertThat(Gc.collects(loader)).as("loader of a plugin that left %s is collected", what).isTrue();
    }

    /**
     * The bean caches are flushed on a short thread in each thread group (WildFly has 13), once per lifecycle
     * operation rather than once per plugin: unloading many plugins that read {@code java.desktop} (every plugin
     * with a library does) costs the threads of one flush, not of one per plugin.
     */
    @Test
    void unloadingManyPluginsThatReadJavaDesktopFlushesTheBeanCachesOnce() {
        int plugins = 6;
        for (int i = 0; i < plugins; i++) {
            manager.load(PluginJarBuilder.plugin("beans-" + i).requiresJdkModule("java.desktop").build(dir));
        }
        ThreadGroup root = Thread.currentThread().getThreadGroup();
        while (root.getParent() != null) {
            root = root.getParent();
        }
        int groups = root.activeGroupCount() + 1;
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long before = threads.getTotalStartedThreadCount();

        manager.unloadAll();

        // One flush starts groups - 1 threads; the bound leaves room for a thread the JVM starts meanwhile (a
        // compiler thread), and a flush per plugin would start plugins x (groups - 1).
        assertThat(threads.getTotalStartedThreadCount() - before).as("threads started to unload %d plugins that"
                + " read java.desktop, in a JVM of %d thread groups", plugins, groups)
                .isLessThanOrEqualTo(2L * (groups - 1));
    }

    /**
     * A thread the host lends a plugin (a request thread for {@code execute}) outlives it: an uncaught-exception
     * handler the plugin set on it kept its loader for the thread's life, which is the server's.
     */
    @Test
    void anUncaughtExceptionHandlerAPluginSetOnALentThreadIsResetAtUnload() {
        manager.load(PluginJarBuilder.plugin("handling").body("""
                public Object execute(Object input) {
                    Thread.currentThread().setUncaughtExceptionHandler((thread, error) -> { });
                    %s
                    return null;
                }
                """.formatted(Handoff.put("handling.loader",
                "new java.lang.ref.WeakReference<ClassLoader>(getClass().getClassLoader())"))).build(dir));
        Thread.UncaughtExceptionHandler before = Thread.currentThread().getUncaughtExceptionHandler();
        try {
            manager.execute("handling", null);
            WeakReference<ClassLoader> loader = loaderOf("handling");

            manager.unload("handling");

            assertThat(Gc.collects(loader)).as("loader of a plugin that set this thread's handler is collected")
                    .isTrue();
        } finally { // the test's thread is every later test's too
            Thread.currentThread().setUncaughtExceptionHandler(before instanceof ThreadGroup ? null : before);
        }
    }

    @Test
    void whatAPluginLeavesOnTheReusedLifecycleThreadDoesNotKeepItAlive() {
        String litter = """
                static final ThreadLocal<Object> MINE = new ThreadLocal<>();
                static final InheritableThreadLocal<Object> INHERITED = new InheritableThreadLocal<>();
                public void initialize(PluginContext context) {
                    MINE.set(this);
                    INHERITED.set(new Object() { });
                    Thread.currentThread().setUncaughtExceptionHandler((t, e) -> { });
                    Thread.currentThread().setContextClassLoader(getClass().getClassLoader());
                    Thread.currentThread().interrupt();
                    %s
                    %s
                }
                public void cleanup() {
                    MINE.set(new Object() { });
                }
                """;
        for (String name : List.of("litter-a", "litter-b")) {
            manager.load(PluginJarBuilder.plugin(name).body(litter.formatted(
                    Handoff.put(name + ".loader", "new java.lang.ref.WeakReference<ClassLoader>(getClass().getClassLoader())"),
                    Handoff.put(name + ".thread", "new java.lang.ref.WeakReference<Thread>(Thread.currentThread())")))
                    .build(dir));
        }
        WeakReference<Thread> first = Handoff.take("litter-a.thread");
        WeakReference<Thread> second = Handoff.take("litter-b.thread");
        assertThat(first.get()).as("both initialize calls ran on one reused thread").isSameAs(second.get());
        WeakReference<ClassLoader> a = loaderOf("litter-a");
        WeakReference<ClassLoader> b = loaderOf("litter-b");

        manager.unload("litter-a");
        manager.unload("litter-b");

        assertThat(Gc.collects(a)).as("loader of litter-a collected").isTrue();
        assertThat(Gc.collects(b)).as("loader of litter-b collected").isTrue();
        assertThat(manager.unloadedButNotCollected()).isEmpty();
    }
}
