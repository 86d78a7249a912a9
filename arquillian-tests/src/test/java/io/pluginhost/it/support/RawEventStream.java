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
import java.util.function.Consumer;

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
        // A refusal is problem details, a JSON object, so it ends at its closing brace.
        while (seen.indexOf("\"stream\"") < 0 && !(seen.indexOf("HTTP/1.1 503") == 0
                && seen.charAt(seen.length() - 1) == '}')) {
            int b = in.read();
            assertThat(b).as("the stream answered: %s", seen).isNotNegative();
            seen.append((char) b);
        }
        return new RawEventStream(socket, seen.toString());
    }

    /** @return whether the server answered 503 (too many streams) */
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
