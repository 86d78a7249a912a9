package io.pluginhost.it;

import io.pluginhost.it.support.AdminClient;
import io.pluginhost.it.support.RatesHealthPlugin;
import io.pluginhost.it.support.ConsoleBrowser;
import io.pluginhost.it.support.RawEventStream;
import io.pluginhost.it.support.ServerLatch;
import io.pluginhost.runtime.testing.PluginJarBuilder;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.Alert;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console at {@code /pluginhost/console/} in Debian's headless Chromium, driven by Selenium, against
 * the real server: what a viewer may see and not do, an upload appearing without a page load, and the
 * question before an unload cascades. Waits are on page conditions, never on a clock.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ConsoleIT {

    private static final Duration WAIT = ConsoleBrowser.WAIT;

    @ArquillianResource
    URL base;

    @TempDir
    Path dir;

    private WebDriver browser;

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return AdminClient.hostEar();
    }

    /** Keeps what the browser showed last in {@code target/console/<test>.png}, for whoever reads a failure. */
    @AfterEach
    void closeBrowser(TestInfo test) throws Exception {
        if (browser != null) {
            ConsoleBrowser.close(browser, test.getTestMethod().orElseThrow().getName());
        }
    }

    /** Opens the console as {@code user:password}; returns once it has shown the host's state. */
    private WebDriver open(String credentials) throws Exception {
        browser = ConsoleBrowser.open(base, credentials, dir);
        return browser;
    }

    private WebDriverWait waiting() {
        return new WebDriverWait(browser, WAIT);
    }

    /** The text of what {@code by} finds, found again if the page rendered it anew meanwhile. */
    private String text(By by) {
        return ConsoleBrowser.text(browser, by);
    }

    private static By row(String plugin) {
        return By.cssSelector("#plugins tr[data-plugin='" + plugin + "']");
    }

    @Test
    void aViewerSeesThePluginsAndTheGraphWithEveryChangeDisabled() throws Exception {
        open(AdminClient.VIEWER);

        assertThat(text(row("example-plugin-1"))).contains("LOADED");
        assertThat(text(row("example-plugin-2")))
                .contains("example-plugin-1", "Language"); // the dependency, the extension point it implements
        assertThat(browser.findElements(By.cssSelector("#graph svg g.node[data-plugin='example-plugin-2']"))).hasSize(1);
        assertThat(browser.findElements(By.cssSelector(
                "#graph svg line[data-from='example-plugin-2'][data-to='example-plugin-1']"))).hasSize(1);

        List<String> mutating = ConsoleBrowser.read(browser, page -> page.findElements(By.cssSelector(".mutating"))
                .stream().map(control -> control.getTagName() + " '" + control.getText() + "' enabled "
                        + control.isEnabled()).toList());
        assertThat(mutating).hasSizeGreaterThan(5).allSatisfy(control -> assertThat(control)
                .as("for a viewer").endsWith("enabled false"));
        assertThat(text(By.id("session"))).contains("plugin-viewer", "read only");
        // The nodes: this host shares no state, so the server alone, with what it runs.
        assertThat(text(By.id("cluster-note"))).contains("not shared", "this node alone");
        List<String> nodes = ConsoleBrowser.read(browser, page -> page.findElements(
                By.cssSelector("#cluster tbody tr[data-node]")).stream().map(WebElement::getText).toList());
        assertThat(nodes).singleElement().satisfies(node -> assertThat(node)
                .contains("(this node)", "example-plugin-1@", "LOADED").doesNotContain("silent"));
        // What a viewer may do: read the overrides.
        boolean overrides = ConsoleBrowser.read(browser, page -> page.findElement(row("example-plugin-1"))
                .findElement(By.xpath(".//button[.='Overrides']")).isEnabled());
        assertThat(overrides).isTrue();
    }

    @Test
    void anAdminUploadsAJarAndSeesItAppearAndItsFailedTaskWithoutReloadingThePage() throws Exception {
        // Its execute leaves a task that throws: the console shows the count of its failed callbacks.
        Path jar = PluginJarBuilder.plugin("console-upload").version("1.2.3").body("""
                private PluginContext context;
                public void initialize(PluginContext context) { this.context = context; }
                public Object execute(Object in) {
                    context.scheduler().schedule(java.time.Duration.ZERO, () -> {
                        throw new IllegalStateException("a task that throws");
                    });
                    return "uploaded";
                }""").build(dir);
        AdminClient admin = new AdminClient(base);
        try {
            open(AdminClient.ADMIN);
            JavascriptExecutor page = (JavascriptExecutor) browser;
            page.executeScript("window.sameDocument = 'yes'");
            waiting().until(ExpectedConditions.attributeToBe(By.tagName("body"), "data-stream", "live"));

            browser.findElement(By.id("upload-file")).sendKeys(jar.toString());
            browser.findElement(By.id("upload-button")).click();

            // The upload's answer and the stream's LOADED each render the table: the row is replaced once or twice.
            waiting().until(ExpectedConditions.presenceOfElementLocated(row("console-upload")));
            assertThat(text(row("console-upload"))).contains("1.2.3", "LOADED");
            waiting().until(ExpectedConditions.presenceOfElementLocated(
                    By.cssSelector("#graph svg g.node[data-plugin='console-upload']")));
            waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("events"), "LOADED console-upload"));
            assertThat(page.executeScript("return window.sameDocument")).as("the page was not reloaded").isEqualTo("yes");
            assertThat(admin.json("POST", "api/plugins/console-upload/execute", "null").body()).contains("uploaded");
            waiting().until(ExpectedConditions.textToBePresentInElementLocated(
                    By.cssSelector("#plugins tr[data-plugin='console-upload'] td.callback-errors"), "task 1"));
        } finally {
            admin.json("DELETE", "api/plugins/console-upload", null);
            admin.json("DELETE", "api/jars/console-upload-1.2.3.jar", null);
        }
    }

    /**
     * Each lifecycle event on the stream made the page read the whole host again (four requests), so a plugin
     * whose task failed every 10 ms kept every open console asking without pause. Now the stream's events
     * refresh the page at most once a second, however many come; counted by the browser's own resource timing.
     */
    @Test
    void aFloodOfFailuresRefreshesThePageAtMostOnceASecond() throws Exception {
        Path jar = PluginJarBuilder.plugin("console-noisy").body("""
                private PluginContext context;
                public void initialize(PluginContext context) { this.context = context; }
                public Object execute(Object in) {
                    context.scheduler().scheduleAtFixedRate(java.time.Duration.ZERO, java.time.Duration.ofMillis(10),
                            () -> { throw new IllegalStateException("again"); });
                    return "flooding";
                }""").build(dir);
        AdminClient admin = new AdminClient(base);
        try {
            assertThat(admin.upload("console-noisy.jar", Files.readAllBytes(jar)).statusCode()).isEqualTo(201);
            open(AdminClient.ADMIN);
            JavascriptExecutor page = (JavascriptExecutor) browser;
            page.executeScript("performance.setResourceTimingBufferSize(100000)");
            waiting().until(ExpectedConditions.attributeToBe(By.tagName("body"), "data-stream", "live"));
            assertThat(admin.json("POST", "api/plugins/console-noisy/execute", "null").body()).contains("flooding");
            waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("events"), "FAILED console-noisy"));

            double from = ((Number) page.executeScript("return performance.now()")).doubleValue();
            // Until the server has counted 300 more failures: 300 lifecycle events on the stream, 3 s or more.
            long start = callbackErrors(admin);
            waiting().until(driver -> callbackErrors(admin) >= start + 300);
            double to = ((Number) page.executeScript("return performance.now()")).doubleValue();
            long reads = ((Number) page.executeScript("return performance.getEntriesByType('resource')"
                    + ".filter(e => e.name.endsWith('/api/plugins') && e.startTime >= arguments[0]"
                    + " && e.startTime <= arguments[1]).length", from, to)).longValue();

            assertThat(reads).as("reads of the plugins in %.0f ms", to - from)
                    .isLessThanOrEqualTo(Math.round((to - from) / 1000) + 2);
        } finally {
            admin.json("DELETE", "api/plugins/console-noisy", null);
            admin.json("DELETE", "api/jars/console-noisy.jar", null);
        }
    }

    /** @return how many of console-noisy's callbacks threw, as the admin API counts them */
    private static long callbackErrors(AdminClient admin) {
        try {
            String metrics = admin.json("GET", "api/metrics", null).body();
            java.util.regex.Matcher task = java.util.regex.Pattern.compile(
                    "\"console-noisy\":\\{.*?\"callbackErrors\":\\{[^}]*\"task\":(\\d+)").matcher(metrics);
            return task.find() ? Long.parseLong(task.group(1)) : 0;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A jar whose plugin failed to load can be held unloaded from the console, so it is not tried again. */
    @Test
    void anAdminHoldsAFailedJarsPluginUnloaded() throws Exception {
        Path target = Path.of(System.getProperty("pluginhost.plugin-dir")).resolve("console-failing.jar");
        AdminClient admin = new AdminClient(base);
        try {
            open(AdminClient.ADMIN);
            waiting().until(ExpectedConditions.attributeToBe(By.tagName("body"), "data-stream", "live"));
            Files.copy(PluginJarBuilder.plugin("console-failing").body("public void initialize(PluginContext c) {"
                    + " throw new IllegalStateException(\"no licence\"); }").build(dir), target); // hot deploy

            By jarRow = By.cssSelector("#jars tr[data-jar='console-failing.jar']");
            waiting().until(ExpectedConditions.textToBePresentInElementLocated(jarRow, "FAILED"));
            ConsoleBrowser.click(browser,
                    By.xpath("//*[@id='jars']//tr[@data-jar='console-failing.jar']//button[.='Hold']"));

            waiting().until(ExpectedConditions.textToBePresentInElementLocated(jarRow, "UNLOADED"));
            assertThat(text(jarRow)).contains("no licence");
        } finally {
            admin.json("DELETE", "api/jars/console-failing.jar", null);
            Files.deleteIfExists(target);
        }
    }

    /**
     * A browser's {@code EventSource} gives up for good on a response that is not the stream, such as
     * the 503 past {@code pluginhost.events.max-clients} (8 in this suite's server); the console asks
     * again, and is live once a place is free.
     */
    @Test
    void theLiveViewComesBackAfterTheServerRefusedItsStream() throws Exception {
        List<RawEventStream> places = takeEveryPlace();
        try {
            open(AdminClient.ADMIN);
            waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("stream-state"), "refused"));
            assertThat(browser.findElement(By.tagName("body")).getAttribute("data-stream")).isEqualTo("down");
        } finally {
            for (RawEventStream place : places) {
                place.close();
            }
        }
        waiting().until(ExpectedConditions.attributeToBe(By.tagName("body"), "data-stream", "live"));
    }

    /**
     * Holds every place on the event stream with streams of the test's own. Closed streams of earlier
     * tests may still hold places: if so, it waits for its own first stream's heartbeats, by when the
     * server has found those gone, and takes the places they freed.
     */
    private List<RawEventStream> takeEveryPlace() throws Exception {
        List<RawEventStream> held = new ArrayList<>();
        takePlacesUntilRefused(held);
        if (held.size() < 8) {
            assertThat(held).as("a place for a stream of the test's own").isNotEmpty();
            held.get(0).awaitHeartbeats(3);
            takePlacesUntilRefused(held);
        }
        assertThat(held).as("the streams holding the server's 8 places").hasSize(8);
        return held;
    }

    private void takePlacesUntilRefused(List<RawEventStream> held) throws Exception {
        while (true) {
            RawEventStream stream = RawEventStream.open(base, 0);
            if (stream.refused()) {
                stream.close();
                return;
            }
            held.add(stream);
        }
    }

    /** A viewer asks a plugin whether it can do its work, and sees it come back up when someone else asks. */
    @Test
    void aViewerAsksAPluginForItsHealthAndSeesItTurnWithoutReloadingThePage() throws Exception {
        AdminClient admin = new AdminClient(base);
        Path rates = Files.writeString(dir.resolve("rates-answer"), "yes");
        Path jar = RatesHealthPlugin.jar("console-moody", rates, dir);
        assertThat(admin.upload("console-moody.jar", Files.readAllBytes(jar)).statusCode()).isEqualTo(201);
        try {
            Files.delete(rates);
            open(AdminClient.VIEWER);
            waiting().until(ExpectedConditions.attributeToBe(By.tagName("body"), "data-stream", "live"));

            ConsoleBrowser.click(browser, By.xpath("//table[@id='plugins']//tr[@data-plugin='console-moody']"
                    + "//button[.='Health']"));
            waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("message"),
                    "console-moody: DOWN: the rates service does not answer (since "));
            waiting().until(ExpectedConditions.textToBePresentInElementLocated(row("console-moody"),
                    "DOWN: the rates service does not answer"));

            Files.writeString(rates, "yes");
            assertThat(admin.json("GET", "api/plugins/console-moody/health", null).body()).contains("UP");
            waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("events"),
                    "HEALTH console-moody 1.0.0: UP"));
            waiting().until(ExpectedConditions.not(ExpectedConditions.textToBePresentInElementLocated(
                    row("console-moody"), "DOWN")));
        } finally {
            admin.json("DELETE", "api/plugins/console-moody", null);
            admin.json("DELETE", "api/jars/console-moody.jar", null);
        }
    }

    @Test
    void unloadingAPluginWithDependentsAsksBeforeCascading() throws Exception {
        AdminClient admin = new AdminClient(base);
        Path baseDir = Files.createDirectories(dir.resolve("base"));
        Path dependentDir = Files.createDirectories(dir.resolve("dependent"));
        Path baseJar = PluginJarBuilder.plugin("console-base").build(baseDir);
        Path dependentJar = PluginJarBuilder.plugin("console-dependent").dependsOn("console-base").build(dependentDir);
        assertThat(admin.upload("console-base.jar", Files.readAllBytes(baseJar)).statusCode()).isEqualTo(201);
        assertThat(admin.upload("console-dependent.jar", Files.readAllBytes(dependentJar)).statusCode()).isEqualTo(201);
        try {
            open(AdminClient.ADMIN);
            By unload = By.xpath("//table[@id='plugins']//tr[@data-plugin='console-base']//button[.='Unload']");

            ConsoleBrowser.click(browser, unload);
            Alert question = waiting().until(ExpectedConditions.alertIsPresent());
            assertThat(question.getText()).contains("console-base", "console-dependent");
            question.dismiss();
            waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("message"), "not unloaded"));
            assertThat(admin.json("GET", "api/plugins/console-dependent", null).body()).contains("LOADED");

            ConsoleBrowser.click(browser, unload);
            waiting().until(ExpectedConditions.alertIsPresent()).accept();
            waiting().until(ExpectedConditions.numberOfElementsToBe(row("console-base"), 0));
            waiting().until(ExpectedConditions.numberOfElementsToBe(row("console-dependent"), 0));
            assertThat(admin.json("GET", "api/plugins/console-base", null).statusCode()).isEqualTo(404);
            assertThat(admin.json("GET", "api/plugins/console-dependent", null).statusCode()).isEqualTo(404);
        } finally {
            admin.json("DELETE", "api/plugins/console-base?cascade=true", null);
            admin.json("DELETE", "api/jars/console-dependent.jar", null);
            admin.json("DELETE", "api/jars/console-base.jar", null);
        }
    }

    /**
     * A plugin whose call never returns cannot be unloaded within the drain timeout (30 s): the console
     * says it is waiting, then offers to force the unload with the server's reason, and forces it when
     * the operator agrees (another drain, then the plugin goes and its call runs on).
     */
    @Test
    void anUnloadRefusedForCallsInProgressOffersToForceIt() throws Exception {
        ServerLatch entered = ServerLatch.of("console-entered", 1);
        ServerLatch release = ServerLatch.of("console-release", 1);
        byte[] stuck = Files.readAllBytes(PluginJarBuilder.plugin("console-stuck").body("""
                public Object execute(Object in) throws Exception {
                    if ("entered?".equals(in)) {
                        return "entered=" + %s;
                    }
                    %s
                    %s
                    return "released";
                }
                """.formatted(entered.openedWithin30Seconds(), entered.countDown(), release.awaitIgnoringInterrupts()))
                .build(dir));
        byte[] releaser = Files.readAllBytes(PluginJarBuilder.plugin("console-releaser").body(
                "public void initialize(PluginContext context) { %s }".formatted(release.countDown())).build(dir));
        AdminClient admin = new AdminClient(base);
        ExecutorService caller = Executors.newSingleThreadExecutor();
        assertThat(admin.upload("console-stuck.jar", stuck).statusCode()).isEqualTo(201);
        try {
            Future<HttpResponse<String>> call = caller.submit(
                    () -> admin.json("POST", "api/plugins/console-stuck/execute", "null"));
            assertThat(admin.json("POST", "api/plugins/console-stuck/execute", "\"entered?\"").body())
                    .contains("entered=true");
            open(AdminClient.ADMIN);
            WebDriverWait drains = new WebDriverWait(browser, Duration.ofSeconds(90));

            ConsoleBrowser.click(browser, By.xpath("//table[@id='plugins']//tr[@data-plugin='console-stuck']"
                    + "//button[.='Unload']"));
            assertThat(browser.findElement(By.id("message")).getText()).contains("unloading console-stuck");
            Alert question = drains.until(ExpectedConditions.alertIsPresent());
            assertThat(question.getText()).contains("console-stuck", "1 call(s) in progress after 30000 ms",
                    "An unload with force=true unloads it anyway", "Force the unload?");
            question.accept();

            drains.until(ExpectedConditions.numberOfElementsToBe(row("console-stuck"), 0));
            assertThat(browser.findElement(By.id("message")).getText()).contains("unload console-stuck by force done");
            assertThat(admin.json("GET", "api/diagnostics/unloaded-not-collected", null).body())
                    .contains("console-stuck@1.0.0", "1 call(s) into it were still in progress");
            assertThat(admin.upload("console-releaser.jar", releaser).statusCode()).isEqualTo(201);
            assertThat(call.get(60, TimeUnit.SECONDS).body()).contains("released");
        } finally {
            if (admin.json("GET", "api/plugins/console-releaser", null).statusCode() == 404) {
                admin.upload("console-releaser.jar", releaser); // a failed test lets the call go too
            }
            caller.shutdownNow();
            for (String plugin : List.of("console-stuck", "console-releaser")) {
                admin.json("DELETE", "api/plugins/" + plugin + "?force=true", null);
                admin.json("DELETE", "api/jars/" + plugin + ".jar", null);
            }
        }
    }
}
