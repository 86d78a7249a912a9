package io.pluginhost.it.support;

import java.io.BufferedReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The event stream over HTTP/1.1 on a raw socket, as a browser holds it: closing it closes the
 * connection (the JDK's client may instead read on, and discard, a stream whose body was closed, so
 * the server could never tell it is gone).
 *
 * @param socket the connection
 * @param head   what the server answered first: up to the stream's first event, or a whole refusal
 */
public record RawEventStream(Socket socket, String head) implements AutoCloseable {

    /**
     * Opens the stream as the admin.
     *
     * @param base          the web module's URL
     * @param receiveBuffer the socket's receive buffer, or 0 for the system's
     */
    public static RawEventStream open(URL base, int receiveBuffer) throws IOException {
        Socket socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.connect(new InetSocketAddress(base.getHost(), base.getPort()));
        socket.setSoTimeout(30_000);
        String credentials = Base64.getEncoder().encodeToString(AdminClient.ADMIN.getBytes(StandardCharsets.UTF_8));
        socket.getOutputStream().write(("GET " + base.getPath() + "api/events HTTP/1.1\r\nHost: " + base.getHost()
                + "\r\nAccept: text/event-stream\r\nAuthorization: Basic " + credentials + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        InputStream in = socket.getInputStream();
        StringBuilder seen = new StringBuilder();
        readUntil(in, seen, () -> seen.indexOf("\r\n\r\n") >= 0);
        if (seen.indexOf("HTTP/1.1 200") == 0) {
            readUntil(in, seen, () -> seen.indexOf("\"stream\"") >= 0);
        } else { // a refusal: the host's problem details, or the server's own page while it is suspended
            Matcher length = Pattern.compile("(?i)\r\ncontent-length: *(\\d+)").matcher(seen);
            assertThat(length.find()).as("the refusal's length: %s", seen).isTrue();
            int end = seen.length() + Integer.parseInt(length.group(1));
            readUntil(in, seen, () -> seen.length() == end);
        }
        return new RawEventStream(socket, seen.toString());
    }

    private static void readUntil(InputStream in, StringBuilder seen, BooleanSupplier done) throws IOException {
        while (!done.getAsBoolean()) {
            int b = in.read();
            assertThat(b).as("the stream answered: %s", seen).isNotNegative();
            seen.append((char) b);
        }
    }

    /** @return whether the server answered 503 (too many streams, or the server is suspended) */
    public boolean refused() {
        return head.startsWith("HTTP/1.1 503");
    }

    /**
     * Reads, on the caller's thread, until the server has sent this stream {@code count} heartbeats
     * (comment lines). As every idle client gets one each heartbeat period, by then the server has
     * also written to any closed stream more than once, and so found it gone.
     *
     * @throws IOException if the stream ended, or 30 s passed without a byte
     */
    public void awaitHeartbeats(int count) throws IOException {
        InputStream in = socket.getInputStream();
        StringBuilder line = new StringBuilder();
        for (int seen = 0; seen < count; ) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("the event stream ended");
            }
            if (b == '\n') {
                seen += line.length() > 0 && line.charAt(0) == ':' ? 1 : 0;
                line.setLength(0);
            } else {
                line.append((char) b);
            }
        }
    }

    /** Hands each line that follows to {@code eachLine} on a reader thread. */
    public void read(Consumer<String> eachLine) {
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    eachLine.accept(line);
                }
            } catch (IOException closed) {
                // the test closed the socket
            }
        }, "raw-sse-reader");
        reader.setDaemon(true);
        reader.start();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
