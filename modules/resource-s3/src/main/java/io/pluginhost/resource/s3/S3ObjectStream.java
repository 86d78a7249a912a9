package io.pluginhost.resource.s3;

import io.pluginhost.api.resource.ObjectStream;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

import java.io.IOException;
import java.util.function.Consumer;

/**
 * An object a plugin opened with {@code openStream}: the AWS SDK's response stream, which holds one
 * HTTP connection until it is closed. Closed at its end, the connection goes back to the client for
 * reuse; closed before, it is aborted, so that the host never reads the rest of a large object for
 * nothing. The repository aborts the streams a plugin left open when the plugin unloads
 * ({@link #closeForUnload}); reads from the plugin after that throw an {@link IOException} that says
 * so, as does every failure of the SDK's stream (a plugin sees only {@code IOException}s).
 *
 * <p>A plugin reads it from one thread; {@link #closeForUnload} may come from the engine's.
 */
final class S3ObjectStream extends ObjectStream {

    private final ResponseInputStream<GetObjectResponse> in;
    private final Consumer<S3ObjectStream> onClose;
    /** Why the host closed it, or {@code null}. */
    private volatile String closedBecause;
    private volatile boolean closed;
    /** Whether a read reached the end, so the connection can be reused rather than aborted. */
    private boolean ended;

    S3ObjectStream(String key, ResponseInputStream<GetObjectResponse> in, Consumer<S3ObjectStream> onClose) {
        super(key, in.response().contentType(), in.response().contentLength() == null ? -1
                : in.response().contentLength());
        this.in = in;
        this.onClose = onClose;
    }

    @Override
    public int read() throws IOException {
        open();
        try {
            int read = in.read();
            ended |= read < 0;
            return read;
        } catch (IOException | RuntimeException e) {
            throw failed(e);
        }
    }

    @Override
    public int read(byte[] into, int offset, int length) throws IOException {
        open();
        try {
            int read = in.read(into, offset, length);
            ended |= read < 0;
            return read;
        } catch (IOException | RuntimeException e) {
            throw failed(e);
        }
    }

    @Override
    public long skip(long count) throws IOException {
        open();
        try {
            return in.skip(count);
        } catch (IOException | RuntimeException e) {
            throw failed(e);
        }
    }

    @Override
    public int available() throws IOException {
        open();
        try {
            return in.available();
        } catch (IOException | RuntimeException e) {
            throw failed(e);
        }
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        onClose.accept(this);
        try {
            if (ended) {
                in.close(); // read to the end: the connection is reused
            } else {
                in.abort();
            }
        } catch (IOException | RuntimeException e) {
            throw failed(e);
        }
    }

    /** Aborts the stream from the engine's thread; the plugin's next read throws with {@code why}. */
    void closeForUnload(String why) {
        closedBecause = why;
        closed = true;
        in.abort();
    }

    private void open() throws IOException {
        if (closedBecause != null) {
            throw new IOException(closedBecause);
        }
        if (closed) {
            throw new IOException("S3 object '" + key() + "': the stream is closed");
        }
    }

    /** A failure of the SDK's stream, or of a read the host's abort cut short, as the plugin should see it. */
    private IOException failed(Exception e) {
        String because = closedBecause;
        if (because != null) {
            return new IOException(because, e);
        }
        return e instanceof IOException io ? io
                : new IOException("S3 object '" + key() + "': reading failed: " + e.getMessage(), e);
    }
}
