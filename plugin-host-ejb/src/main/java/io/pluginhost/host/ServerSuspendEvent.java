package io.pluginhost.host;

/**
 * WildFly is suspending or suspended, or runs again ({@code :suspend}, {@code :resume}, a graceful
 * {@code :shutdown}, the end of the boot), fired as a CDI event other beans can {@code @Observes}: at each
 * read of the server's state while it is not running (every 250 ms), and once when it runs again. On the
 * host's thread that watches the state (or, for a server not running as the host starts, on the thread
 * that starts it), after the plugins' background work was suspended or resumed.
 *
 * @param suspended true when the server stopped running (suspending or suspended), false when it runs again
 */
public record ServerSuspendEvent(boolean suspended) {
}
