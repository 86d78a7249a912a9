package io.pluginhost.it.support;

import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;

/** The console at {@code /pluginhost/console/} in Debian's headless Chromium, driven by Selenium. */
public final class ConsoleBrowser {

    /** How long a test waits for a page condition. */
    public static final Duration WAIT = Duration.ofSeconds(30);

    private ConsoleBrowser() {
    }

    /**
     * Opens the console as {@code user:password}; returns once it has shown the host's state.
     *
     * @param base the host's web module, e.g. {@code http://127.0.0.1:8080/pluginhost/}
     * @param dir  a directory of the test's, for the browser's profile and temporary files
     */
    public static WebDriver open(URL base, String credentials, Path dir) throws Exception {
        ChromeOptions options = new ChromeOptions();
        options.addArguments("--window-size=1400,1400");
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + Files.createTempDirectory(dir, "chromium"));
        // With --disable-dev-shm-usage Chromium keeps its shared memory in files of TMPDIR, and one a renderer
        // killed at quit still had open stayed in /tmp.
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort()
                .withEnvironment(java.util.Map.of("TMPDIR", Files.createTempDirectory(dir, "tmp").toString()))
                .build();
        WebDriver browser = new ChromeDriver(service, options);
        URL console = new URL(base, "console/");
        browser.get(console.getProtocol() + "://" + credentials + "@" + console.getAuthority() + console.getPath());
        try {
            new WebDriverWait(browser, WAIT).until(
                    ExpectedConditions.attributeToBe(By.tagName("body"), "data-ready", "true"));
        } catch (org.openqa.selenium.TimeoutException e) {
            String says = browser.findElement(By.id("message")).getText();
            browser.quit();
            throw new AssertionError("the console did not start; it says: " + says, e);
        }
        return browser;
    }

    /**
     * What {@code read} finds on the page, read again when the page replaced an element between finding and
     * reading it: every refresh renders the tables' rows anew, and the event stream and the nodes' timer
     * refresh at any moment, so an element found a moment ago may be gone.
     */
    public static <T> T read(WebDriver browser, Function<WebDriver, T> read) {
        return new WebDriverWait(browser, WAIT).ignoring(StaleElementReferenceException.class).until(read);
    }

    /** The text of what {@code by} finds, read as {@link #read} does. */
    public static String text(WebDriver browser, By by) {
        return read(browser, page -> page.findElement(by).getText());
    }

    /** Clicks what {@code by} finds; a click on an element the page had just replaced is made on the new one. */
    public static void click(WebDriver browser, By by) {
        read(browser, page -> {
            page.findElement(by).click();
            return true;
        });
    }

    /** Keeps what the browser showed last in {@code target/console/<name>.png}, then closes it. */
    public static void close(WebDriver browser, String name) throws Exception {
        try {
            Path shots = Files.createDirectories(Path.of("target", "console"));
            Files.write(shots.resolve(name + ".png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
        } finally {
            browser.quit();
        }
    }
}
