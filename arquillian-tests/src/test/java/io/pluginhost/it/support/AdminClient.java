package io.pluginhost.it.support;

import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** The admin API as the integration tests call it: one HTTP client, BASIC credentials per call. */
public final class AdminClient {

    /** The development admin (roles plugin-admin and plugin-viewer). */
    public static final String ADMIN = "plugin-admin:plugin-admin-dev";
    /** The development viewer (role plugin-viewer). */
    public static final String VIEWER = "plugin-viewer:plugin-viewer-dev";

    /** HTTP/2 by default: upgraded to from HTTP/1.1 on WildFly's plain listener (h2c), as a browser's is over TLS. */
    private final HttpClient http;
    private final URL base;

    /** @param base the web module's URL, as Arquillian injects it */
    public AdminClient(URL base) {
        this(base, HttpClient.Version.HTTP_2);
    }

    /**
     * @param base    the web module's URL
     * @param version the HTTP version to ask for ({@code HTTP_1_1}: no HTTP/2 connection, whose server side
     *                keeps its recent exchanges, and so their deployment, while it is open)
     */
    public AdminClient(URL base, HttpClient.Version version) {
        this.base = base;
        this.http = HttpClient.newBuilder().version(version).build();
    }

    /**
     * @param version the HTTP version to ask for
     * @return a client of the host the test deploys itself ({@code managed = false}), for which Arquillian
     *         injects no URL
     */
    public static AdminClient ofUndeployedHost(HttpClient.Version version) {
        try {
            return new AdminClient(java.net.URI.create(ServerPorts.http() + "/pluginhost/").toURL(), version);
        } catch (java.net.MalformedURLException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** @return the host's web module this client calls, e.g. {@code http://127.0.0.1:8080/pluginhost/} */
    public URL base() {
        return base;
    }

    /** @return the EAR the build made, as a deployment */
    public static EnterpriseArchive hostEar() {
        return ShrinkWrap.createFromZipFile(EnterpriseArchive.class, new File(System.getProperty("pluginhost.ear")));
    }

    /** A request as the admin, with a JSON body or none. */
    public HttpResponse<String> json(String method, String path, String json) throws Exception {
        return send(ADMIN, method, path, json == null ? null : "application/json",
                json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
    }

    /** Uploads a jar as the admin. */
    public HttpResponse<String> upload(String file, byte[] jar) throws Exception {
        return send(ADMIN, "PUT", "api/jars/" + java.net.URLEncoder.encode(file, StandardCharsets.UTF_8),
                "application/java-archive",
                HttpRequest.BodyPublishers.ofByteArray(jar));
    }

    /**
     * Any request, as anyone ({@code null} credentials: anonymous).
     *
     * @param headers further headers, as name and value in turn (what a browser adds: {@code Origin}, ...)
     */
    public HttpResponse<String> send(String credentials, String method, String path, String contentType,
                                     HttpRequest.BodyPublisher body, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path));
        if (headers.length > 0) {
            request.headers(headers);
        }
        if (credentials != null) {
            request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                    credentials.getBytes(StandardCharsets.UTF_8)));
        }
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return http.send(request.method(method, body).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A request whose body is read as a stream (server-sent events), as the admin. */
    public HttpResponse<java.io.InputStream> stream(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Accept", "text/event-stream")
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        ADMIN.getBytes(StandardCharsets.UTF_8))).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
    }

    /**
     * Opens the event stream as the admin and hands each of its lines to {@code eachLine} on a reader
     * thread; returns once the stream's first event arrived (fails after 30 s). Close the body to end it.
     */
    public HttpResponse<InputStream> events(Consumer<String> eachLine) throws Exception {
        CountDownLatch ready = new CountDownLatch(1);
        HttpResponse<InputStream> stream = stream("api/events");
        if (stream.statusCode() != 200) {
            stream.body().close();
            throw new AssertionError("the event stream answered " + stream.statusCode());
        }
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    if (line.contains("\"stream\"")) {
                        ready.countDown();
                    }
                    eachLine.accept(line);
                }
            } catch (IOException closed) {
                // the test closed the stream
            }
        }, "sse-reader");
        reader.setDaemon(true);
        reader.start();
        if (!ready.await(30, TimeUnit.SECONDS)) {
            stream.body().close();
            throw new AssertionError("the event stream did not open within 30 s");
        }
        return stream;
    }

    /**
     * @param jars the body of {@code GET /jars}
     * @param file a jar's file name
     * @return the JSON object of that jar in it, or {@code null} if it is not listed
     */
    public static String jarEntry(String jars, String file) {
        java.util.regex.Matcher entry = java.util.regex.Pattern.compile(
                "\\{[^{}]*\"file\":\"" + java.util.regex.Pattern.quote(file) + "\"[^{}]*}").matcher(jars);
        return entry.find() ? entry.group() : null;
    }
}
