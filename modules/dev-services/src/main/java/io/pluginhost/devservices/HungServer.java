package io.pluginhost.devservices;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A server that accepts connections on a loopback port and never answers: what a client sees of a
 * database, broker or object store that hangs. For outage tests; every connection is closed on close.
 */
public final class HungServer implements AutoCloseable {

    private final ServerSocket socket;
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    private HungServer(ServerSocket socket) {
        this.socket = socket;
        this.acceptor = new Thread(this::accept, "hung-server-" + socket.getLocalPort());
        this.acceptor.setDaemon(true);
        this.acceptor.start();
    }

    /** @return a hung server on a free loopback port */
    public static HungServer start() {
        try {
            return new HungServer(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a loopback port", e);
        }
    }

    /** @return its port */
    public int port() {
        return socket.getLocalPort();
    }

    /** @return how many connections it accepted */
    public int connections() {
        return accepted.size();
    }

    private void accept() {
        while (!socket.isClosed()) {
            try {
                accepted.add(socket.accept()); // held open, never read from or written to
            } catch (IOException closed) {
                return;
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
        for (Socket connection : accepted) {
            connection.close();
        }
    }
}
