package io.pluginhost.runtime.layer;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.management.InstanceNotFoundException;
import javax.management.ListenerNotFoundException;
import javax.management.MBeanServer;
import javax.management.MBeanServerDelegate;
import javax.management.MBeanServerFactory;
import javax.management.MBeanServerNotification;
import javax.management.Notification;
import javax.management.NotificationListener;
import javax.management.ObjectName;

/**
 * The MBeans registered in each of the JVM's MBean servers since the engine began to watch it, so that an
 * unload looks at those only: listing every MBean of WildFly's server walks its management model (1,600 names,
 * half a second), which made each unload of a plugin that can reach {@code java.management} that slow. A server
 * is watched from before the first code of such a plugin runs ({@link #watchEveryServer}), through the
 * registration notifications of its delegate, which the server sends on the registering thread before
 * {@code registerMBean} returns. A server the engine does not watch (one made since, by a plugin or by the
 * JDK's first {@code getPlatformMBeanServer()}) is listed whole, and watched from then on.
 *
 * <p>One per engine, closed with it: the listeners it adds to the JVM's servers would otherwise keep the
 * host's classes after its undeploy. Guarded by itself; the sets of names change on any thread.
 */
public final class MBeanRegistrations implements AutoCloseable {

    /** Each watched server, with the names registered in it since; empty until a plugin can reach one. */
    private final Map<MBeanServer, Set<ObjectName>> watched = new IdentityHashMap<>(0);
    private boolean closed;

    /** Starts watching each MBean server not watched yet. Call before code of a plugin that can reach them runs. */
    public synchronized void watchEveryServer() {
        if (!closed) {
            for (MBeanServer server : MBeanServerFactory.findMBeanServer(null)) {
                watch(server);
            }
        }
    }

    /**
     * @param server a server of {@link MBeanServerFactory#findMBeanServer}
     * @return the names of the MBeans that may be a plugin's: those registered since the server was watched,
     *         or all if it was not (it is from now on)
     */
    synchronized Set<ObjectName> candidates(MBeanServer server) {
        Set<ObjectName> since = watched.get(server);
        if (since != null) {
            return Set.copyOf(since);
        }
        Set<ObjectName> all = server.queryNames(null, null);
        watch(server);
        return all;
    }

    /** Stops watching the servers the JDK no longer lists (released): they would be kept for nothing. */
    synchronized void forgetReleasedServers() {
        List<MBeanServer> listed = MBeanServerFactory.findMBeanServer(null);
        for (MBeanServer server : new ArrayList<>(watched.keySet())) {
            if (listed.stream().noneMatch(each -> each == server)) {
                unwatch(server);
            }
        }
    }

    private void watch(MBeanServer server) {
        if (closed || watched.containsKey(server)) {
            return;
        }
        Set<ObjectName> since = ConcurrentHashMap.newKeySet();
        try {
            server.addNotificationListener(MBeanServerDelegate.DELEGATE_NAME, Recorder.INSTANCE, null, since);
            watched.put(server, since);
        } catch (InstanceNotFoundException | RuntimeException e) {
            // a server without the standard delegate: it stays unwatched and is listed whole at each unload
        }
    }

    private void unwatch(MBeanServer server) {
        Set<ObjectName> since = watched.remove(server);
        try {
            server.removeNotificationListener(MBeanServerDelegate.DELEGATE_NAME, Recorder.INSTANCE, null, since);
        } catch (InstanceNotFoundException | ListenerNotFoundException | RuntimeException e) {
            // released meanwhile: nothing of ours is left in it
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        for (MBeanServer server : new ArrayList<>(watched.keySet())) {
            unwatch(server);
        }
    }

    /**
     * Adds a registered MBean's name to the set it was handed back with, and takes an unregistered one out. One
     * for all engines (the set tells them apart), loaded only once a plugin can reach {@code java.management}.
     */
    private static final class Recorder implements NotificationListener {
        static final Recorder INSTANCE = new Recorder();

        @Override
        public void handleNotification(Notification notification, Object handback) {
            if (notification instanceof MBeanServerNotification registration && handback instanceof Set<?>) {
                @SuppressWarnings("unchecked")
                Set<ObjectName> since = (Set<ObjectName>) handback;
                if (MBeanServerNotification.REGISTRATION_NOTIFICATION.equals(registration.getType())) {
                    since.add(registration.getMBeanName());
                } else if (MBeanServerNotification.UNREGISTRATION_NOTIFICATION.equals(registration.getType())) {
                    since.remove(registration.getMBeanName());
                }
            }
        }
    }
}
