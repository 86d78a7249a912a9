package io.pluginhost.it;

import io.pluginhost.it.support.AdminClient;
import io.pluginhost.it.support.ServerLatch;
import io.pluginhost.runtime.testing.PluginJarBuilder;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.net.URL;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Uploads, overrides and the leak diagnostic over the admin API, on a real WildFly. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class AdminApiIT {

    @ArquillianResource
    URL base;

    @TempDir
    Path dir;

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return AdminClient.hostEar();
    }

    private HttpResponse<String> upload(String file, byte[] jar) throws Exception {
        return new AdminClient(base).upload(file, jar);
    }

    private HttpResponse<String> json(String method, String path, String json) throws Exception {
        return new AdminClient(base).json(method, path, json);
    }

    /** A host that does not share its operator state lists itself alone as the cluster, as it runs now. */
    @Test
    void aHostThatSharesNoStateIsItsOwnCluster() throws Exception {
        HttpResponse<String> cluster = json("GET", "api/cluster", null);

        assertThat(cluster.statusCode()).isEqualTo(200);
        assertThat(cluster.body()).contains("\"shared\":false", "\"name\":\"example-plugin-1\"",
                "\"state\":\"LOADED\"", "\"silent\":false").doesNotContain("stateVersion");
    }

    @Test
    void anUploadedPluginLoadsRunsAndAfterUnloadItsLoaderIsCollected() throws Exception {
        byte[] jar = Files.readAllBytes(PluginJarBuilder.plugin("uploaded")
                .body("public Object execute(Object in) { return \"uploaded says \" + in; }").build(dir));

        HttpResponse<String> loaded = upload("uploaded.jar", jar);
        assertThat(loaded.statusCode()).as(loaded.body()).isEqualTo(201);
        assertThat(json("POST", "api/plugins/uploaded/execute", "\"hi\"").body()).contains("uploaded says hi");

        assertThat(json("DELETE", "api/plugins/uploaded", null).statusCode()).isEqualTo(200);
        HttpResponse<String> leaks = json("POST", "api/diagnostics/unloaded-not-collected", null);
        // This plugin's loader is gone (another test of this class leaves one on purpose).
        assertThat(leaks.statusCode()).isEqualTo(200);
        assertThat(leaks.body()).contains("\"count\":").doesNotContain("uploaded@");
    }

    /**
     * A page on another site can POST a form to the server, and the browser attaches the operator's cached BASIC
     * credentials: before the host refused such requests, that page could reload plugins or dump the heap.
     */
    @Test
    void aChangeABrowserSendsFromAnotherSiteIsRefusedAndChangesNothing() throws Exception {
        byte[] jar = Files.readAllBytes(PluginJarBuilder.plugin("guarded")
                .body("private final long born = System.nanoTime(); public Object execute(Object in) { return born; }")
                .build(dir));
        assertThat(upload("guarded.jar", jar).statusCode()).isEqualTo(201);
        AdminClient client = new AdminClient(base);
        String born = json("POST", "api/plugins/guarded/execute", "null").body();
        String self = base.getProtocol() + "://" + base.getHost() + ":" + base.getPort();

        for (String[] browser : List.of(new String[] {"Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example"},
                new String[] {"Origin", "https://evil.example"}, new String[] {"Sec-Fetch-Site", "same-site"})) {
            HttpResponse<String> refused = client.send(AdminClient.ADMIN, "POST", "api/plugins/guarded/reload", null,
                    HttpRequest.BodyPublishers.noBody(), browser);
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
            assertThat(refused.body()).contains("pluginhost.admin.trusted-origins");
        }
        assertThat(client.send(AdminClient.ADMIN, "POST", "api/diagnostics/leak-verdicts", null,
                HttpRequest.BodyPublishers.noBody(), "Sec-Fetch-Site", "cross-site").statusCode()).isEqualTo(403);
        assertThat(json("POST", "api/plugins/guarded/execute", "null").body()).isEqualTo(born); // not reloaded
        assertThat(client.send(AdminClient.VIEWER, "GET", "api/plugins/guarded", null,
                HttpRequest.BodyPublishers.noBody(), "Sec-Fetch-Site", "cross-site").statusCode()).isEqualTo(200);

        // The console's own page, and a client that is not a browser (no such headers, as curl), still change.
        assertThat(client.send(AdminClient.ADMIN, "POST", "api/plugins/guarded/reload", null,
                HttpRequest.BodyPublishers.noBody(), "Sec-Fetch-Site", "same-origin", "Origin", self).statusCode())
                .isEqualTo(200);
        assertThat(json("POST", "api/plugins/guarded/execute", "null").body()).isNotEqualTo(born);
        assertThat(json("DELETE", "api/plugins/guarded", null).statusCode()).isEqualTo(200);
    }

    /**
     * A plugin that ships a JDBC driver, which registers itself with the server's {@code DriverManager},
     * is collected after unload: the host deregisters the driver from inside the plugin's loader.
     */
    @Test
    void aPluginThatRegisteredAJdbcDriverIsCollectedAfterUnload() throws Exception {
        Path driver = PluginJarBuilder.selfRegisteringJdbcDriver(java.nio.file.Files.createDirectories(
                dir.resolve("fakedb")));
        byte[] jar = Files.readAllBytes(PluginJarBuilder.plugin("with-driver").library(driver).body("""
                public void initialize(PluginContext context) throws Exception {
                    Class.forName("fakedb.FakeDriver", true, getClass().getClassLoader());
                }
                """).build(dir));
        assertThat(upload("with-driver.jar", jar).statusCode()).isEqualTo(201);
        assertThat(json("DELETE", "api/plugins/with-driver", null).statusCode()).isEqualTo(200);

        String diagnostic = json("POST", "api/diagnostics/unloaded-not-collected", null).body();
        assertThat(diagnostic).contains("\"count\":").doesNotContain("with-driver@");
    }

    /**
     * The host writes a plugin's records as JSON (an execute result over REST, an event's payload for the
     * event stream and other nodes); JSON-B keeps a model of each class it writes, which must not keep the
     * plugin's loader once it is unloaded.
     */
    @Test
    void aPluginWhoseRecordsTheHostWroteAsJsonIsCollectedAfterUnload() throws Exception {
        byte[] jar = Files.readAllBytes(PluginJarBuilder.plugin("records")
                .moduleInfo("module test.records { requires io.pluginhost.api; opens test.records;"
                        + " provides io.pluginhost.api.Plugin with test.records.TestPlugin; }")
                .body("""
                        public record Note(String text, int stars) { }
                        private PluginContext context;
                        public void initialize(PluginContext context) { this.context = context; }
                        public Object execute(Object in) {
                            context.eventBus().emit("records:noted", new Note("sent", 4));
                            return new Note("returned", 5);
                        }
                        """).build(dir));
        assertThat(upload("records.jar", jar).statusCode()).isEqualTo(201);
        assertThat(json("POST", "api/plugins/records/execute", "{}").body())
                .isEqualTo("{\"result\":{\"stars\":5,\"text\":\"returned\"}}");
        unloadDeletesItsJarAndLeavesNoLoader("records");
    }

    /**
     * A plugin with Jackson as a private library: Jackson keeps a buffer recycler per thread in a
     * {@code ThreadLocal<SoftReference<BufferRecycler>>}, set on the request thread that ran
     * {@code execute}, and never removed. WildFly's request threads live for the server's life, so the
     * plugin's loader stayed after its unload, and the leak diagnostic named no thread (the value's
     * class is the JDK's SoftReference). Here the same pattern, with a strong value and a soft one.
     */
    @Test
    void threadLocalsAPluginLeftOnRequestThreadsDoNotKeepItAfterUnload() throws Exception {
        byte[] jar = Files.readAllBytes(PluginJarBuilder.plugin("recycler").body("""
                static final ThreadLocal<java.lang.ref.SoftReference<Buffers>> RECYCLER = new ThreadLocal<>();
                static final ThreadLocal<Buffers> LAST = new ThreadLocal<>();
                public static final class Buffers { final byte[] bytes = new byte[1024]; }
                public Object execute(Object in) {
                    java.lang.ref.SoftReference<Buffers> kept = RECYCLER.get();
                    boolean reused = kept != null && kept.get() != null;
                    if (!reused) {
                        RECYCLER.set(new java.lang.ref.SoftReference<>(new Buffers()));
                    }
                    LAST.set(new Buffers());
                    return "ok";
                }
                """).build(dir));
        assertThat(upload("recycler.jar", jar).statusCode()).isEqualTo(201);
        for (int i = 0; i < 40; i++) { // over the request threads of the listener's worker
            assertThat(json("POST", "api/plugins/recycler/execute", "null").body()).isEqualTo("{\"result\":\"ok\"}");
        }
        unloadDeletesItsJarAndLeavesNoLoader("recycler");
    }

    /**
     * The JDK caches a plugin's own resource bundle and bean descriptions (the latter per thread group:
     * here those of the lifecycle worker, which runs {@code initialize}, and of the request threads);
     * both kept the plugin's loader after unload.
     */
    @Test
    void whatTheJdkCachedForAPluginsClassesDoesNotKeepItAfterUnload() throws Exception {
        byte[] jar = Files.readAllBytes(PluginJarBuilder.plugin("cached").requiresJdkModule("java.desktop").body("""
                public static final class Messages extends java.util.ListResourceBundle {
                    protected Object[][] getContents() { return new Object[][] {{"greeting", "hello"}}; }
                }
                public static final class Bean {
                    public String getGreeting() { return "hello"; }
                }
                public void initialize(PluginContext context) throws Exception {
                    java.beans.Introspector.getBeanInfo(Bean.class);
                }
                public Object execute(Object in) throws Exception {
                    return java.util.ResourceBundle.getBundle(Messages.class.getName()).getString("greeting")
                            + java.beans.Introspector.getBeanInfo(Bean.class).getPropertyDescriptors().length;
                }
                """).build(dir));
        assertThat(upload("cached.jar", jar).statusCode()).isEqualTo(201);
        for (int i = 0; i < 10; i++) {
            assertThat(json("POST", "api/plugins/cached/execute", "null").body()).isEqualTo("{\"result\":\"hello2\"}");
        }
        unloadDeletesItsJarAndLeavesNoLoader("cached");
    }

    /** ImageIO keeps the readers it found for good: a plugin's (a library's, here) goes at its unload. */
    @Test
    void anImageIoReaderOfAPluginDoesNotKeepItAfterUnload() throws Exception {
        byte[] jar = Files.readAllBytes(PluginJarBuilder.plugin("imaging").requiresJdkModule("java.desktop")
                .library(PluginJarBuilder.imageIoReaderLibrary(dir)).body("""
                public Object execute(Object in) {
                    javax.imageio.ImageIO.scanForPlugins();
                    return List.of(javax.imageio.ImageIO.getReaderFormatNames()).contains("fakeimagefmt");
                }
                """).build(dir));
        assertThat(upload("imaging.jar", jar).statusCode()).isEqualTo(201);
        assertThat(json("POST", "api/plugins/imaging/execute", "null").body()).isEqualTo("{\"result\":true}");
        unloadDeletesItsJarAndLeavesNoLoader("imaging");
    }

    /** What a plugin registers in the JDK and never takes back goes at unload, a "trust all" verifier too. */
    @Test
    void aPluginThatLeftALoggingHandlerASecurityProviderAShutdownHookAndAnMBeanIsCollectedAfterUnload() throws Exception {
        byte[] jar = Files.readAllBytes(PluginJarBuilder.plugin("registrar").requiresJdkModule("java.logging")
                .requiresJdkModule("java.management").body("""
                public void initialize(PluginContext context) throws Exception {
                    java.util.logging.Logger.getLogger("").addHandler(new java.util.logging.Handler() {
                        public void publish(java.util.logging.LogRecord r) { }
                        public void flush() { }
                        public void close() { }
                    });
                    java.security.Security.addProvider(new java.security.Provider("registrar-provider", "1.0",
                            "never removed by its plugin") { });
                    Runtime.getRuntime().addShutdownHook(new Thread(() -> { }, "registrar-hook"));
                    java.lang.management.ManagementFactory.getPlatformMBeanServer().registerMBean(
                            new javax.management.StandardMBean(new Runnable() { public void run() { } },
                                    Runnable.class),
                            new javax.management.ObjectName("pluginhost.it:type=Registrar"));
                    javax.net.ssl.HttpsURLConnection.setDefaultHostnameVerifier((host, session) -> true);
                    java.net.Authenticator.setDefault(new java.net.Authenticator() { });
                }
                """).build(dir));
        assertThat(upload("registrar.jar", jar).statusCode()).isEqualTo(201);
        unloadDeletesItsJarAndLeavesNoLoader("registrar");
    }

    @Test
    void badUploadsAreRefusedWithProblemDetailsAndLeaveNothingBehind() throws Exception {
        HttpResponse<String> notAJar = upload("garbage.jar", "this is not a zip".getBytes(StandardCharsets.UTF_8));
        assertThat(notAJar.statusCode()).isEqualTo(422);
        assertThat(notAJar.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        // Named as the operator named it, not by the file the upload was staged in.
        assertThat(notAJar.body()).contains("garbage.jar is not a readable module jar").doesNotContain("uploading");

        byte[] noDescriptor = Files.readAllBytes(PluginJarBuilder.jarWithoutModuleInfo(dir, "plain.jar"));
        assertThat(upload("plain.jar", noDescriptor).body()).contains("no module-info.class")
                .doesNotContain("uploading");

        byte[] selfCycle = Files.readAllBytes(PluginJarBuilder.plugin("ouroboros").dependsOn("ouroboros").build(dir));
        HttpResponse<String> cycle = upload("ouroboros.jar", selfCycle);
        assertThat(cycle.statusCode()).isEqualTo(422);
        assertThat(cycle.body()).contains("declares a dependency on itself");

        byte[] orphan = Files.readAllBytes(PluginJarBuilder.plugin("ping").dependsOn("pong").build(dir));
        assertThat(upload("ping.jar", orphan).body()).contains("depends on 'pong', which is not loaded");

        // Built against an API this host does not have: refused at load, not by a NoSuchMethodError later.
        byte[] newerApi = Files.readAllBytes(PluginJarBuilder.plugin("from-the-future")
                .compiledAgainstApi(PluginJarBuilder.apiOfVersion(dir, "0.99.0")).build(dir));
        HttpResponse<String> future = upload("from-the-future.jar", newerApi);
        assertThat(future.statusCode()).as(future.body()).isEqualTo(422);
        assertThat(future.body()).contains("cannot run on this host: it was built against plugin API 0.99.0, and"
                + " this host's " + io.pluginhost.runtime.version.ApiCompatibility.HOST_API.orElseThrow() + " is a"
                + " version that breaks compatibility with it");

        // A vendor-signed jar with a class changed afterwards: refused before any of its code runs.
        Path signed = PluginJarBuilder.signed(PluginJarBuilder.plugin("vendor-signed").build(dir));
        String provider = PluginJarBuilder.moduleOf("vendor-signed").replace('.', '/') + "/TestPlugin.class";
        byte[] changed = Files.readAllBytes(PluginJarBuilder.withEntryChanged(signed, provider, bytes -> {
            byte[] copy = bytes.clone();
            copy[copy.length - 1] ^= 1;
            return copy;
        }));
        HttpResponse<String> tampered = upload("vendor-signed.jar", changed);
        assertThat(tampered.statusCode()).as(tampered.body()).isEqualTo(422);
        assertThat(tampered.body()).contains("is signed, but entry " + provider + " does not match its signature");
        assertThat(upload("vendor-signed.jar", Files.readAllBytes(signed)).statusCode()).isEqualTo(201);
        unloadDeletesItsJarAndLeavesNoLoader("vendor-signed");

        // Nothing was kept: the same names can be uploaded again, and the server still serves.
        assertThat(upload("garbage.jar", "still not a zip".getBytes(StandardCharsets.UTF_8)).statusCode())
                .isEqualTo(422);
        assertThat(json("GET", "api/plugins", null).body()).doesNotContain("ouroboros", "\"ping\"", "from-the-future");
        assertThat(upload("../escape.jar", new byte[10]).statusCode()).isEqualTo(400);
        // A refused name is told which rule it breaks: its length, its first character.
        HttpResponse<String> tooLong = upload("a".repeat(102) + ".jar", new byte[10]);
        assertThat(tooLong.statusCode()).isEqualTo(400);
        assertThat(tooLong.body()).contains("at most 105 characters");
        assertThat(upload("-x.jar", new byte[10]).body()).contains("starting with a letter or digit");
    }

    /**
     * A constructor is plugin code that can hang as initialize can: the upload fails at the initialize
     * deadline (10 s in the suite), naming the stuck thread; the server keeps loading other plugins; the
     * leak diagnostic names the thread while it runs, and the loader goes once it ends.
     */
    @Test
    void aPluginWhoseConstructorNeverReturnsIsRolledBackAtTheDeadlineAndNamedUntilItsThreadEnds() throws Exception {
        ServerLatch release = ServerLatch.of("constructor", 1);
        byte[] jar = Files.readAllBytes(PluginJarBuilder.plugin("hangs-in-new")
                .body("public TestPlugin() { " + release.awaitIgnoringInterrupts() + " }").build(dir));

        HttpResponse<String> hung = upload("hangs-in-new.jar", jar);
        assertThat(hung.statusCode()).as(hung.body()).isEqualTo(422);
        assertThat(hung.body()).contains("constructor did not return within 10000 ms",
                "plugin-constructor-hangs-in-new");
        assertThat(json("GET", "api/plugins", null).body()).doesNotContain("hangs-in-new");

        byte[] fine = Files.readAllBytes(PluginJarBuilder.plugin("loads-meanwhile")
                .body("public Object execute(Object in) { " + release.countDown() + " return null; }").build(dir));
        assertThat(upload("loads-meanwhile.jar", fine).statusCode()).isEqualTo(201);
        assertThat(json("GET", "api/diagnostics/unloaded-not-collected", null).body())
                .contains("hangs-in-new@1.0.0", "plugin-constructor-hangs-in-new");

        assertThat(json("POST", "api/plugins/loads-meanwhile/execute", "null").statusCode()).isEqualTo(200);
        assertThat(json("DELETE", "api/plugins/loads-meanwhile", null).statusCode()).isEqualTo(200);
        String after = "";
        for (int i = 0; i < 20 && !(after.contains("\"count\"") && !after.contains("hangs-in-new")); i++) {
            after = json("POST", "api/diagnostics/unloaded-not-collected", null).body();
        }
        assertThat(after).doesNotContain("hangs-in-new");
    }

    /**
     * A plugin whose execute hangs holds at most {@code pluginhost.execute.max-concurrent} (16 by
     * default) of the server's request threads: a call past them is refused with 503 after waiting
     * {@code queue-wait} (1 s) for a place, while every other endpoint and plugin answers. Plugins that
     * hang together hold at most {@code max-concurrent-total} (20 here, see arquillian.xml): then every
     * plugin's call is refused, and the other endpoints still answer. One whose calls never return can be
     * unloaded by force (after the 30 s drain): its calls keep only its loader, and the diagnostics say so.
     */
    @Test
    void pluginsThatHangInExecuteHoldNoMoreRequestThreadsThanTheirCaps() throws Exception {
        int cap = 16;
        int total = 20;
        ServerLatch entered = ServerLatch.of("entered", cap);
        ServerLatch enteredToo = ServerLatch.of("entered-too", total - cap);
        ServerLatch release = ServerLatch.of("release-execute", 1);
        byte[] jar = Files.readAllBytes(PluginJarBuilder.plugin("hangs-in-execute").body("""
                public Object execute(Object in) {
                    %s
                    %s
                    return "released";
                }
                """.formatted(entered.countDown(), release.awaitIgnoringInterrupts())).build(dir));
        byte[] too = Files.readAllBytes(PluginJarBuilder.plugin("hangs-too").body("""
                public Object execute(Object in) {
                    %s
                    %s
                    return "released";
                }
                """.formatted(enteredToo.countDown(), release.awaitIgnoringInterrupts())).build(dir));
        byte[] control = Files.readAllBytes(PluginJarBuilder.plugin("answers-meanwhile").body("""
                public Object execute(Object in) throws Exception {
                    return "entered=" + %s;
                }
                """.formatted(entered.openedWithin30Seconds())).build(dir));
        // Loads only once the other plugin's calls are all inside it; its initialize runs on no request's place.
        byte[] waitsForThem = Files.readAllBytes(PluginJarBuilder.plugin("sees-them-hang").body("""
                public void initialize(PluginContext context) throws Exception {
                    if (!%s) {
                        throw new IllegalStateException("the calls of hangs-too did not all start");
                    }
                }
                """.formatted(enteredToo.openedWithin(8))).build(dir)); // under the 10 s deadline of initialize
        byte[] releaser = Files.readAllBytes(PluginJarBuilder.plugin("releases-them").body(
                "public void initialize(PluginContext context) { %s }".formatted(release.countDown())).build(dir));
        assertThat(upload("hangs-in-execute.jar", jar).statusCode()).isEqualTo(201);
        assertThat(upload("hangs-too.jar", too).statusCode()).isEqualTo(201);
        assertThat(upload("answers-meanwhile.jar", control).statusCode()).isEqualTo(201);
        AdminClient admin = new AdminClient(base);
        ExecutorService pool = Executors.newFixedThreadPool(total + 1);
        try {
            List<Future<HttpResponse<String>>> hung = new ArrayList<>();
            for (int i = 0; i < cap; i++) {
                hung.add(pool.submit(() -> admin.json("POST", "api/plugins/hangs-in-execute/execute", "null")));
            }
            // Another plugin answers while they hang: it says when all of them are inside the plugin.
            assertThat(json("POST", "api/plugins/answers-meanwhile/execute", "null").body())
                    .as("calls inside the plugin").contains("entered=true");

            HttpResponse<String> refused = pool.submit(() -> admin.json("POST", "api/plugins/hangs-in-execute/execute",
                    "null")).get(30, TimeUnit.SECONDS);
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Retry-After")).contains("1");
            assertThat(refused.body()).contains("already runs 16 calls from REST");
            assertThat(json("GET", "api/plugins", null).statusCode()).isEqualTo(200);

            for (int i = cap; i < total; i++) {
                hung.add(pool.submit(() -> admin.json("POST", "api/plugins/hangs-too/execute", "null")));
            }
            HttpResponse<String> seen = upload("sees-them-hang.jar", waitsForThem);
            assertThat(seen.statusCode()).as(seen.body()).isEqualTo(201);
            HttpResponse<String> full = json("POST", "api/plugins/answers-meanwhile/execute", "null");
            assertThat(full.statusCode()).as(full.body()).isEqualTo(503);
            assertThat(full.body()).contains("already run 20 calls from REST in all",
                    "pluginhost.execute.max-concurrent-total");
            assertThat(json("GET", "api/plugins", null).statusCode()).as("the admin API answers").isEqualTo(200);

            // Its calls never drain: an unload is refused, unless forced; then the calls hold only its loader.
            HttpResponse<String> forced = json("DELETE", "api/plugins/hangs-too?force=true", null);
            assertThat(forced.statusCode()).as(forced.body()).isEqualTo(200);
            assertThat(forced.body()).contains("\"unloaded\":[\"hangs-too\"]");
            assertThat(json("GET", "api/diagnostics/unloaded-not-collected", null).body())
                    .contains("hangs-too@1.0.0",
                            "4 call(s) into it were still in progress when it was unloaded by force");

            assertThat(upload("releases-them.jar", releaser).statusCode()).isEqualTo(201);
            for (Future<HttpResponse<String>> call : hung) {
                HttpResponse<String> answer = call.get(60, TimeUnit.SECONDS);
                assertThat(answer.statusCode()).isEqualTo(200);
                assertThat(answer.body()).contains("released");
            }
            assertThat(json("POST", "api/plugins/hangs-in-execute/execute", "null").statusCode()).isEqualTo(200);
        } finally {
            if (json("GET", "api/plugins/releases-them", null).statusCode() == 404) {
                upload("releases-them.jar", releaser); // a failed test lets them go too
            }
            pool.shutdownNow();
            for (String plugin : List.of("hangs-in-execute", "hangs-too", "answers-meanwhile", "sees-them-hang",
                    "releases-them")) {
                json("DELETE", "api/plugins/" + plugin, null);
                json("DELETE", "api/jars/" + plugin + ".jar", null);
            }
        }
    }

    /**
     * JSON the host cannot write or read (a cyclic payload or result, a result or body nested deeper
     * than a writer's stack, a NaN or infinite number) is answered for what it is: the plugin's failure,
     * or a bad request. Before, the emit failed with the host's stack overflow, and a bad result was
     * blamed on the caller's body.
     */
    @Test
    void aCyclicOrTooDeepPayloadOrResultIsAnsweredForWhatItIs() throws Exception {
        byte[] jar = Files.readAllBytes(PluginJarBuilder.plugin("cyclic").body("""
                private PluginContext c;
                public void initialize(PluginContext c) { this.c = c; }
                public Object execute(Object in) {
                    java.util.Map<String, Object> cyclic = new java.util.HashMap<>();
                    cyclic.put("self", java.util.List.of(cyclic));
                    if ("emit".equals(in)) {
                        c.eventBus().emit("cyclic:x", cyclic);
                        return "emitted";
                    }
                    if ("own".equals(in)) {
                        return new Item(); // an object of the plugin's own class, not a JSON value
                    }
                    if ("nan".equals(in)) {
                        return java.util.Map.of("ratio", Double.NaN);
                    }
                    if ("infinite".equals(in)) {
                        return java.util.List.of(1.5f, Float.POSITIVE_INFINITY);
                    }
                    if ("deep".equals(in)) {
                        Object deep = "x";
                        for (int i = 0; i < 100_000; i++) {
                            deep = java.util.List.of(deep);
                        }
                        return deep;
                    }
                    return cyclic;
                }
                public static final class Item {
                    public String getName() { return "item"; }
                }
                """).build(dir));
        assertThat(upload("cyclic.jar", jar).statusCode()).isEqualTo(201);
        try {
            HttpResponse<String> emitted = json("POST", "api/plugins/cyclic/execute", "\"emit\"");
            assertThat(emitted.statusCode()).as(emitted.body()).isEqualTo(200);
            assertThat(emitted.body()).isEqualTo("{\"result\":\"emitted\"}");

            for (String result : new String[] {"\"cyclic\"", "\"deep\""}) {
                HttpResponse<String> refused = json("POST", "api/plugins/cyclic/execute", result);
                assertThat(refused.statusCode()).as(refused.body()).isEqualTo(500);
                assertThat(refused.body()).contains("Plugin Result Not JSON", "plugin 'cyclic' returned a",
                        "cannot be written as JSON: it is cyclic, or nested too deeply");
            }
            HttpResponse<String> own = json("POST", "api/plugins/cyclic/execute", "\"own\"");
            assertThat(own.statusCode()).as(own.body()).isEqualTo(500);
            assertThat(own.body()).contains("Plugin Result Not JSON", "returned a test.cyclic.TestPlugin$Item");
            // Yasson's words were "Character N is neither a decimal digit number, decimal point, nor ...".
            HttpResponse<String> nan = json("POST", "api/plugins/cyclic/execute", "\"nan\"");
            assertThat(nan.statusCode()).as(nan.body()).isEqualTo(500);
            assertThat(nan.body()).contains("Plugin Result Not JSON", "a number in it is NaN or infinite, and JSON has"
                    + " no NaN or infinite numbers: return null, or a string, in its place")
                    .doesNotContain("Character");
            HttpResponse<String> infinite = json("POST", "api/plugins/cyclic/execute", "\"infinite\"");
            assertThat(infinite.statusCode()).as(infinite.body()).isEqualTo(500);
            assertThat(infinite.body()).contains("a number in it is NaN or infinite").doesNotContain("Character");

            String deepBody = "[".repeat(200_000) + "]".repeat(200_000);
            HttpResponse<String> deepRequest = json("POST", "api/plugins/cyclic/execute", deepBody);
            assertThat(deepRequest.statusCode()).isEqualTo(400);
            assertThat(deepRequest.body()).contains("the body is not JSON this endpoint takes").doesNotContain(": null");
            assertThat(json("GET", "api/plugins", null).statusCode()).isEqualTo(200);
        } finally {
            json("DELETE", "api/plugins/cyclic", null);
        }
    }

    @Test
    void anUploadLargerThanTheLimitIs413AndLeavesNoStagedFileBehind() throws Exception {
        // With its length: refused before a byte is read.
        assertThat(upload("huge.jar", new byte[9 * 1024 * 1024]).statusCode()).isEqualTo(413);
        // Without a length (chunked): staged to disk as it arrives, never whole into memory, until the limit.
        byte[] overTheLimit = new byte[8 * 1024 * 1024 + 64 * 1024];
        HttpResponse<String> chunked = new AdminClient(base).send(AdminClient.ADMIN, "PUT", "api/jars/huge.jar",
                "application/java-archive", HttpRequest.BodyPublishers.ofInputStream(
                        () -> new java.io.ByteArrayInputStream(overTheLimit)));
        assertThat(chunked.statusCode()).as(chunked.body()).isEqualTo(413);

        try (Stream<Path> files = Files.list(Path.of(System.getProperty("pluginhost.plugin-dir")))) {
            assertThat(files.map(f -> f.getFileName().toString())).noneMatch(f -> f.startsWith(".huge.jar"));
        }
    }

    @Test
    void overridesCanBeSetReadAndClearedAndReloadThePlugin() throws Exception {
        HttpResponse<String> set = json("PUT", "api/plugins/example-plugin-repository/overrides",
                "{\"tableNameMap\": {\"note_tags\": \"tags_v2\"}}");
        assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
        assertThat(set.body()).contains("\"note_tags\":\"example-plugin-repository_tags_v2\"");
        assertThat(json("GET", "api/plugins/example-plugin-repository/overrides", null).body())
                .contains("\"tags_v2\"");

        HttpResponse<String> cleared = json("DELETE", "api/plugins/example-plugin-repository/overrides", null);
        assertThat(cleared.body()).contains("\"note_tags\":\"example-plugin-repository_note_tags\"");
        assertThat(json("GET", "api/plugins/example-plugin-repository/overrides", null).statusCode()).isEqualTo(404);
    }

    /** An operator's mistake must not take a running plugin down, nor be kept for the next restart. */
    @Test
    void overridesOrSettingsThePluginCannotStartWithAre422AndChangeNothing() throws Exception {
        HttpResponse<String> refused = json("PUT", "api/plugins/example-plugin-repository/overrides",
                "{\"allowedTables\": [\"notes\"]}"); // its initialize also creates note_tags
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
        assertThat(refused.body()).contains("new overrides of plugin 'example-plugin-repository' were rolled back",
                "note_tags");
        assertThat(json("GET", "api/plugins/example-plugin-repository/overrides", null).statusCode()).isEqualTo(404);
        assertThat(json("GET", "api/plugins/example-plugin-repository", null).body()).contains("\"state\":\"LOADED\"",
                "\"note_tags\":\"example-plugin-repository_note_tags\"");
        Path stateFile = Path.of(System.getProperty("pluginhost.plugin-dir"), ".pluginhost-state.json");
        assertThat(Files.exists(stateFile) ? Files.readString(stateFile) : "").doesNotContain("\"notes\"]");
    }

    @Test
    void settingsComeFromMicroProfileConfigAndAPutReloadsThePluginWithNewOnes() throws Exception {
        // arquillian.xml sets pluginhost.plugin.example-plugin-1.config.greeting=Hello
        assertThat(json("GET", "api/plugins/example-plugin-1/config", null).body()).isEqualTo("{\"greeting\":\"Hello\"}");

        HttpResponse<String> set = json("PUT", "api/plugins/example-plugin-1/config", "{\"greeting\": \"Bonjour\"}");
        assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
        assertThat(set.body()).contains("\"name\":\"example-plugin-1\"", "\"name\":\"example-plugin-2\"")
                .as("example-plugin-1 as it stands after its dependent came back")
                .contains("\"dependents\":[\"example-plugin-2\"]");
        assertThat(json("POST", "api/plugins/example-plugin-1/execute", "\"WildFly\"").body()).contains("Bonjour, WildFly!");

        assertThat(json("PUT", "api/plugins/example-plugin-1/config", "{\"greeting\": {\"nested\": 1}}").statusCode())
                .isEqualTo(400);
        assertThat(json("PUT", "api/plugins/example-plugin-1/config", "{\"two words\": \"x\"}").statusCode())
                .isEqualTo(422);

        json("PUT", "api/plugins/example-plugin-1/config", "{\"greeting\": \"Hello\"}");
        assertThat(json("POST", "api/plugins/example-plugin-1/execute", "\"WildFly\"").body()).contains("Hello, WildFly!");
    }

    @Test
    void aViewerReadsAPluginsSecretSettingsMaskedAndAnAdminReadsThem() throws Exception {
        try {
            assertThat(json("PUT", "api/plugins/example-plugin-1/config",
                    "{\"greeting\": \"Hello\", \"api-key\": \"k-123\", \"smtp.password\": \"p-456\"}").statusCode())
                    .isEqualTo(200);

            HttpResponse<String> viewer = new AdminClient(base).send(AdminClient.VIEWER, "GET",
                    "api/plugins/example-plugin-1/config", null, HttpRequest.BodyPublishers.noBody());

            assertThat(viewer.statusCode()).isEqualTo(200);
            assertThat(viewer.body()).isEqualTo(
                    "{\"api-key\":\"******\",\"greeting\":\"Hello\",\"smtp.password\":\"******\"}");
            assertThat(json("GET", "api/plugins/example-plugin-1/config", null).body()).contains("k-123", "p-456");
            // Kept across restarts in the state file, which only the server's user may read.
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(
                    Path.of(System.getProperty("pluginhost.plugin-dir"), ".pluginhost-state.json"))))
                    .isEqualTo("rw-------");
        } finally {
            json("PUT", "api/plugins/example-plugin-1/config", "{\"greeting\": \"Hello\"}");
        }
    }

    private byte[] versioned(String version, String initialize) throws Exception {
        Path into = Files.createDirectories(dir.resolve("v" + version));
        return Files.readAllBytes(PluginJarBuilder.plugin("versioned").version(version)
                .body(initialize + " public Object execute(Object in) { return \"" + version + "\"; }").build(into));
    }

    @Test
    void uploadingANewVersionUpgradesItAFailedOneRollsBackAndJarsAreListedAndDeletedOverRest() throws Exception {
        assertThat(upload("versioned.jar", versioned("1.0.0", "")).statusCode()).isEqualTo(201);

        HttpResponse<String> upgraded = upload("versioned.jar", versioned("2.0.0", ""));
        assertThat(upgraded.statusCode()).as(upgraded.body()).isEqualTo(200);
        assertThat(upgraded.body()).contains("\"from\":\"1.0.0\"", "\"to\":\"2.0.0\"");
        assertThat(json("POST", "api/plugins/versioned/execute", "null").body()).contains("2.0.0");

        HttpResponse<String> failed = upload("versioned.jar", versioned("3.0.0",
                "public void initialize(PluginContext c) { throw new IllegalStateException(\"broken\"); }"));
        assertThat(failed.statusCode()).isEqualTo(422);
        assertThat(failed.body()).contains("rolled back to 2.0.0");
        assertThat(json("POST", "api/plugins/versioned/execute", "null").body()).contains("2.0.0");

        HttpResponse<String> jars = json("GET", "api/jars", null);
        assertThat(jars.body()).contains("\"file\":\"versioned.jar\"", "\"plugin\":\"versioned@2.0.0\"",
                "\"state\":\"LOADED\"").doesNotContain("uploading", "previous");

        assertThat(json("DELETE", "api/jars/versioned.jar", null).statusCode()).isEqualTo(409);
        assertThat(json("DELETE", "api/plugins/versioned", null).statusCode()).isEqualTo(200);
        assertThat(json("GET", "api/jars", null).body()).contains("\"state\":\"UNLOADED\"");
        assertThat(json("DELETE", "api/jars/versioned.jar", null).statusCode()).isEqualTo(204);
        assertThat(json("GET", "api/jars", null).body()).doesNotContain("versioned");
        assertThat(json("DELETE", "api/jars/versioned.jar", null).statusCode()).isEqualTo(404);
    }

    /**
     * Uploads of one jar name that race (a deploy script retrying, two operators) leave one plugin,
     * loaded from the jar on disk, whichever upload won; no staged or replaced copy stays behind.
     */
    @Test
    void racingUploadsOfOneJarLeaveOnePluginLoadedFromTheJarOnDisk() throws Exception {
        int uploads = 8;
        List<byte[]> jars = new ArrayList<>();
        for (int i = 0; i < uploads; i++) {
            Path into = Files.createDirectories(dir.resolve("raced-" + i));
            jars.add(Files.readAllBytes(PluginJarBuilder.plugin("raced").version("1.0." + i)
                    .body("public Object execute(Object in) { return \"1.0." + i + "\"; }").build(into)));
        }
        Path pluginDir = Path.of(System.getProperty("pluginhost.plugin-dir"));
        ExecutorService pool = Executors.newFixedThreadPool(uploads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<HttpResponse<String>>> answers = new ArrayList<>();
            for (byte[] jar : jars) {
                answers.add(pool.submit(() -> {
                    start.await();
                    return upload("raced.jar", jar);
                }));
            }
            start.countDown();
            for (Future<HttpResponse<String>> answer : answers) {
                HttpResponse<String> response = answer.get(60, TimeUnit.SECONDS);
                assertThat(response.statusCode()).as(response.body()).isIn(200, 201);
            }

            String version = json("POST", "api/plugins/raced/execute", "null").body()
                    .replaceAll(".*\"(1\\.0\\.\\d)\".*", "$1");
            assertThat(json("GET", "api/plugins/raced", null).body()).contains("\"version\":\"" + version + "\"");
            int loaded = Integer.parseInt(version.substring("1.0.".length()));
            assertThat(Files.readAllBytes(pluginDir.resolve("raced.jar"))).as("the jar on disk is the loaded one")
                    .isEqualTo(jars.get(loaded));
            try (java.util.stream.Stream<Path> files = Files.list(pluginDir)) {
                assertThat(files.map(file -> file.getFileName().toString()).filter(name -> name.contains("raced")))
                        .containsExactly("raced.jar");
            }
        } finally {
            pool.shutdownNow();
            json("DELETE", "api/plugins/raced", null);
            json("DELETE", "api/jars/raced.jar", null);
        }
    }

    /**
     * An operator's unload is remembered across restarts, but only while the plugin's jar exists: once
     * its jar is deleted, another jar of that name copied into the directory loads at the next start.
     */
    @Test
    void deletingAnUnloadedPluginsJarForgetsTheUnload() throws Exception {
        Path stateFile = Path.of(System.getProperty("pluginhost.plugin-dir")).resolve(".pluginhost-state.json");
        assertThat(upload("forgotten.jar", Files.readAllBytes(PluginJarBuilder.plugin("forgotten").build(dir)))
                .statusCode()).isEqualTo(201);
        assertThat(json("DELETE", "api/plugins/forgotten", null).statusCode()).isEqualTo(200);
        assertThat(Files.readString(stateFile)).as("the unload is stored").contains("\"forgotten\"");

        assertThat(json("DELETE", "api/jars/forgotten.jar", null).statusCode()).isEqualTo(204);

        assertThat(Files.readString(stateFile)).as("the unload went with the jar").doesNotContain("\"forgotten\"");
    }

    @Test
    void malformedJsonIsA400ProblemOnEveryEndpointAndUnknownOverrideFieldsA422() throws Exception {
        String[][] bodies = {
            {"POST", "api/plugins/example-plugin-1/execute"},
            {"PUT", "api/plugins/example-plugin-1/overrides"},
            {"PUT", "api/plugins/example-plugin-1/config"},
            {"POST", "api/plugins"},
        };
        String settings = json("GET", "api/plugins/example-plugin-1/config", null).body(); // arquillian.xml's
        assertThat(settings).isEqualTo("{\"greeting\":\"Hello\"}");
        // Cut short; more after the value (JSON-B read the first value and ignored the rest); a key twice.
        for (String[] endpoint : bodies) {
            for (String body : new String[] {"{\"broken\": ", "{\"jar\": \"x.jar\"} {\"jar\": \"y.jar\"}",
                "{\"jar\": \"x.jar\", \"jar\": \"y.jar\"}"}) {
                HttpResponse<String> refused = json(endpoint[0], endpoint[1], body);
                assertThat(refused.statusCode()).as("%s %s %s: %s", endpoint[0], endpoint[1], body, refused.body())
                        .isEqualTo(400);
                assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(
                        type -> assertThat(type).startsWith("application/problem+json"));
                assertThat(refused.body()).contains("the body is not JSON this endpoint takes");
            }
        }
        // JSON-B read an array as a map's entries, so "[]" cleared every setting: an object is asked for.
        try {
            for (String[] endpoint : List.of(bodies).subList(1, bodies.length)) {
                HttpResponse<String> array = json(endpoint[0], endpoint[1], "[]");
                assertThat(array.statusCode()).as("%s %s: %s", endpoint[0], endpoint[1], array.body()).isEqualTo(400);
                assertThat(array.body()).contains("give a JSON object, not an array");
            }
            assertThat(json("GET", "api/plugins/example-plugin-1/config", null).body()).isEqualTo(settings);
        } finally {
            if (!json("GET", "api/plugins/example-plugin-1/config", null).body().equals(settings)) {
                json("PUT", "api/plugins/example-plugin-1/config", settings); // as the other tests expect it
            }
        }
        AdminClient admin = new AdminClient(base);
        HttpResponse<String> text = admin.send(AdminClient.ADMIN, "POST", "api/plugins/example-plugin-1/execute",
                "text/plain", java.net.http.HttpRequest.BodyPublishers.ofString("hi"));
        assertThat(text.statusCode()).isEqualTo(415);
        assertThat(text.body()).contains("the body's type text/plain is not one this endpoint takes",
                "application/json").doesNotContain("RESTEASY");
        HttpResponse<String> bogus = json("PUT", "api/plugins/example-plugin-repository/overrides", "{\"bogus\": 1}");
        assertThat(bogus.statusCode()).isEqualTo(422);
        assertThat(bogus.body()).contains("bogus");
    }

    /**
     * The JAX-RS runtime's own errors read as the API's: a 405 names the methods the path takes and carries the
     * Allow header HTTP requires (it had neither, and the detail was RESTEasy's "return 405 with Allow header").
     */
    @Test
    void theRuntimesOwnErrorsAreToldInTheApisWordsAndA405SaysWhatIsAllowed() throws Exception {
        AdminClient admin = new AdminClient(base);
        HttpResponse<String> patch = admin.send(AdminClient.ADMIN, "PATCH", "api/plugins/example-plugin-1",
                "application/json", java.net.http.HttpRequest.BodyPublishers.ofString("{}"));
        assertThat(patch.statusCode()).isEqualTo(405);
        assertThat(patch.headers().firstValue("Allow")).hasValueSatisfying(allow ->
                assertThat(allow.split(",\\s*")).contains("GET", "DELETE").doesNotContain("PATCH"));
        assertThat(patch.body()).contains("PATCH is not a method /pluginhost/api/plugins/example-plugin-1 takes",
                "GET", "DELETE");

        HttpResponse<String> nowhere = json("GET", "api/nothing-here", null);
        assertThat(nowhere.statusCode()).isEqualTo(404);
        assertThat(nowhere.body()).contains("no such path: /pluginhost/api/nothing-here");

        HttpResponse<String> html = admin.send(AdminClient.ADMIN, "POST", "api/plugins/example-plugin-1/execute",
                "application/json", java.net.http.HttpRequest.BodyPublishers.ofString("\"x\""), "Accept", "text/html");
        assertThat(html.statusCode()).isEqualTo(406);
        assertThat(html.body()).contains("text/html", "application/json");

        for (HttpResponse<String> answer : List.of(patch, nowhere, html)) {
            assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/problem+json"));
            assertThat(answer.body()).doesNotContain("RESTEASY");
        }
    }

    /** The host writes a result into its heap and copies it again into the response: past a limit it stops. */
    @Test
    void aResultLongerThanTheLimitIsA500AndTheServerKeepsServing() throws Exception {
        byte[] jar = Files.readAllBytes(PluginJarBuilder.plugin("verbose")
                .body("public Object execute(Object in) { return \"x\".repeat(((Number) in).intValue()); }")
                .build(dir));
        assertThat(new AdminClient(base).upload("verbose.jar", jar).statusCode()).isEqualTo(201);
        try {
            HttpResponse<String> within = json("POST", "api/plugins/verbose/execute", "1000");
            assertThat(within.statusCode()).isEqualTo(200);
            assertThat(within.body()).hasSize(1_000 + "{\"result\":\"\"}".length());

            HttpResponse<String> over = json("POST", "api/plugins/verbose/execute", String.valueOf(17 << 20));
            assertThat(over.statusCode()).isEqualTo(500);
            assertThat(over.body()).contains("\"title\":\"Plugin Result Too Large\"",
                    "longer than 16777216 characters of JSON", "pluginhost.execute.max-result-chars");
            assertThat(json("POST", "api/plugins/verbose/execute", "3").body()).isEqualTo("{\"result\":\"xxx\"}");
        } finally {
            json("DELETE", "api/plugins/verbose", null);
            json("DELETE", "api/jars/verbose.jar", null);
        }
    }

    @Test
    void aTooLargeBodyIs413WithProblemDetails() throws Exception {
        String huge = "\"" + "x".repeat(2 * 1024 * 1024) + "\"";
        HttpResponse<String> refused = json("POST", "api/plugins/example-plugin-1/execute", huge);
        assertThat(refused.statusCode()).isEqualTo(413);
        assertThat(refused.body()).contains("larger than");

        // Without a length (chunked) it was read whole, and handed to the plugin.
        byte[] chunked = huge.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        HttpResponse<String> streamed = new AdminClient(base).send(AdminClient.ADMIN, "POST",
                "api/plugins/example-plugin-1/execute", "application/json",
                HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(chunked)));
        assertThat(streamed.statusCode()).as(streamed.body()).isEqualTo(413);
        assertThat(streamed.body()).contains("the body is larger than 1048576 bytes");
    }

    @Test
    void aBodyOverUndertowsDefaultLimitIsStillRefusedByTheHostWithA413ThatSaysWhy() throws Exception {
        // Undertow's listener answers a body longer than its max-post-size (10 MiB by default) with a bare
        // 400 before any deployment sees it: an operator's 12 MB jar got "Bad Request" and no reason.
        HttpResponse<String> jar = upload("twelve.jar", new byte[12 * 1024 * 1024]);
        assertThat(jar.statusCode()).as(jar.body()).isEqualTo(413);
        assertThat(jar.body()).contains("larger than 8388608 bytes (pluginhost.upload.max-bytes)");

        String eleven = "\"" + "x".repeat(11 * 1024 * 1024) + "\"";
        HttpResponse<String> execute = json("POST", "api/plugins/example-plugin-1/execute", eleven);
        assertThat(execute.statusCode()).as(execute.body()).isEqualTo(413);
        assertThat(execute.body()).contains("larger than 1048576 bytes");
    }

    @Test
    void noAnswerNamesAServerPath() throws Exception {
        String directory = System.getProperty("pluginhost.plugin-dir");
        HttpResponse<String> duplicate = json("POST", "api/plugins", "{\"jar\": \"example-plugin-1.jar\"}");
        assertThat(duplicate.statusCode()).isEqualTo(409);
        assertThat(duplicate.body()).contains("example-plugin-1.jar").doesNotContain(directory);
        HttpResponse<String> missing = json("POST", "api/plugins", "{\"jar\": \"missing.jar\"}");
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(missing.body()).doesNotContain(directory);
        assertThat(json("GET", "api/jars", null).body()).contains("broken.jar").doesNotContain(directory);

        // A file error is answered as problem details too, naming the file but not where it is.
        Path inTheWay = Files.createDirectories(Path.of(directory, "in-the-way.jar", "inside"));
        try {
            HttpResponse<String> fileError = json("DELETE", "api/jars/in-the-way.jar", null);
            assertThat(fileError.statusCode()).isEqualTo(500);
            assertThat(fileError.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/problem+json"));
            assertThat(fileError.body()).contains("cannot write or read in-the-way.jar").doesNotContain(directory);
        } finally {
            Files.delete(inTheWay);
            Files.delete(inTheWay.getParent());
        }
    }

    @Test
    void aPluginMayBeNamedLikeAnyOtherEndpoint() throws Exception {
        for (String name : new String[] {"events", "jars", "diagnostics"}) {
            byte[] jar = Files.readAllBytes(PluginJarBuilder.plugin(name)
                    .body("public Object execute(Object in) { return \"" + name + " here\"; }")
                    .build(Files.createDirectories(dir.resolve(name))));
            assertThat(upload(name + ".jar", jar).statusCode()).isEqualTo(201);
            assertThat(json("GET", "api/plugins/" + name, null).body()).contains("\"name\":\"" + name + "\"");
            assertThat(json("POST", "api/plugins/" + name + "/execute", "null").body()).contains(name + " here");
            assertThat(json("DELETE", "api/plugins/" + name, null).statusCode()).isEqualTo(200);
            assertThat(json("DELETE", "api/jars/" + name + ".jar", null).statusCode()).isEqualTo(204);
        }
    }

    /**
     * Unloads the plugin, deletes its jar (named after it), and checks that its loader is gone: the
     * diagnostic collects garbage first.
     */
    private void unloadDeletesItsJarAndLeavesNoLoader(String plugin) throws Exception {
        assertThat(json("DELETE", "api/plugins/" + plugin, null).statusCode()).isEqualTo(200);
        json("DELETE", "api/jars/" + plugin + ".jar", null);

        String diagnostic = json("POST", "api/diagnostics/unloaded-not-collected", null).body();
        assertThat(diagnostic).contains("\"count\":").doesNotContain(plugin + "@");
    }
}
