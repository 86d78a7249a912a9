package io.pluginhost.runtime.layer;

import java.beans.Introspector;
import java.util.ArrayList;
import java.util.List;
import java.util.ResourceBundle;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Drops what the JDK cached for an unloaded plugin's classes, which would keep its class loader for the
 * life of the JVM or until memory runs short (soft references, which a server with free heap keeps for
 * minutes to hours): {@link ResourceBundle}'s bundles loaded for the plugin's modules, and
 * {@link Introspector}'s bean descriptions (which it can only flush whole, so once per lifecycle
 * operation). Unlike a registration ({@link GlobalRegistrySweep}) this is no fault of the plugin's, so
 * nothing is logged. Tomcat's class loader does the same when a web application stops.
 */
final class JdkCacheSweep {

    private JdkCacheSweep() {
    }

    /**
     * Drops the bundles looked up for an unloaded plugin's modules; its bean descriptions go with {@link
     * #flushBeanInfo}, once for all the plugins a lifecycle operation unloaded.
     *
     * @param loaders the plugin's class loaders
     */
    static void sweep(Set<ClassLoader> loaders) {
        for (ClassLoader loader : loaders) {
            ResourceBundle.clearCache(loader); // the entries of bundles looked up for a module of this loader
        }
    }

    /**
     * {@link Introspector#flushCaches} clears the JDK's shared class descriptions and the bean descriptions
     * of the calling thread's group only: each thread group has its own, and a container calls plugins on
     * threads of its own groups (WildFly has 13). So it runs once here, and on a short thread in each other
     * group, all started before any is waited for: a thread's start and end cost 0.2 to 0.3 ms here.
     */
    static void flushBeanInfo() {
        ThreadGroup here = Thread.currentThread().getThreadGroup();
        ThreadGroup root = here;
        while (root.getParent() != null) {
            root = root.getParent();
        }
        ThreadGroup[] groups = new ThreadGroup[root.activeGroupCount() * 2 + 8];
        int count = root.enumerate(groups, true);
        Introspector.flushCaches();
        List<Thread> flushes = new ArrayList<>(count + 1);
        for (int i = -1; i < count; i++) {
            ThreadGroup group = i < 0 ? root : groups[i];
            if (group == here) {
                continue;
            }
            try {
                // No inherited thread locals: the unloading thread's are none of that group's business.
                Thread flush = new Thread(group, Introspector::flushCaches, "pluginhost-bean-info-flush", 0, false);
                flush.setDaemon(true);
                flush.setContextClassLoader(null);
                flush.start();
                flushes.add(flush);
            } catch (IllegalThreadStateException | SecurityException destroyedOrRefused) {
                // a group destroyed meanwhile has no cache left; a refused one is named by the leak diagnostic
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        try {
            for (Thread flush : flushes) {
                TimeUnit.NANOSECONDS.timedJoin(flush, Math.max(1, deadline - System.nanoTime()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
