package io.pluginhost.runtime.layer;

import io.pluginhost.runtime.internal.ThreadHygiene;

import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.ResponseCache;
import java.security.Provider;
import java.security.Security;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.logging.Handler;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import javax.imageio.spi.IIORegistry;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;
import javax.management.StandardMBean;
import javax.net.ssl.HttpsURLConnection;

/**
 * Undoes what an unloaded plugin left in the JDK's global registries, each of which would keep its
 * class loader for the life of the JVM: shutdown hooks, the default uncaught-exception handler,
 * security providers, the process-wide defaults of {@code java.net} (authenticator, proxy selector,
 * cookie handler, response cache) and of HTTPS (host name verifier), {@code java.util.logging}
 * handlers and filters, MBeans, and ImageIO's readers and writers. Only objects whose class one of the
 * plugin's loaders defined are touched, through public API (the shutdown hooks are listed by reflection,
 * where {@code java.lang} is open); a default is put back as the host had it when its first engine
 * started. The caller names each one, so the operator can tell the plugin's author. The logging, MBean
 * and ImageIO scans walk every logger, MBean and image provider, so they run only for a plugin that can
 * reach those modules ({@link PluginLayer#undoGlobalRegistrations}).
 */
final class GlobalRegistrySweep {

    private GlobalRegistrySweep() {
    }

    /**
     * @param loaders    the plugin's class loaders
     * @param logging    whether the plugin can reach {@code java.logging}
     * @param mbeans     the MBeans registered since the plugin's code first ran; {@code null} if it cannot reach
     *                   {@code java.management}
     * @param desktop    whether the plugin can reach {@code java.desktop} (ImageIO)
     * @return what was undone, one description each
     */
    static List<String> sweep(Set<ClassLoader> loaders, boolean logging, MBeanRegistrations mbeans,
                              boolean desktop) {
        List<String> undone = new ArrayList<>();
        Thread.UncaughtExceptionHandler uncaught = Thread.getDefaultUncaughtExceptionHandler();
        if (owned(uncaught, loaders)) {
            Thread.setDefaultUncaughtExceptionHandler(null); // what it replaced is not known: the JDK's default
            undone.add("the default uncaught-exception handler " + uncaught.getClass().getName());
        }
        for (String hook : ThreadHygiene.removeShutdownHooks(loaders)) {
            undone.add("the shutdown hook '" + hook + "'");
        }
        putBack("the default authenticator", Authenticator::getDefault, Authenticator::setDefault,
                HostDefaults.AUTHENTICATOR, loaders, undone);
        putBack("the default proxy selector", ProxySelector::getDefault, ProxySelector::setDefault,
                HostDefaults.PROXY_SELECTOR, loaders, undone);
        putBack("the default cookie handler", CookieHandler::getDefault, CookieHandler::setDefault,
                HostDefaults.COOKIE_HANDLER, loaders, undone);
        putBack("the default response cache", ResponseCache::getDefault, ResponseCache::setDefault,
                HostDefaults.RESPONSE_CACHE, loaders, undone);
        if (!owned(HostDefaults.HOSTNAME_VERIFIER, loaders)) { // it cannot be unset
            putBack("the default HTTPS host name verifier", HttpsURLConnection::getDefaultHostnameVerifier,
                    HttpsURLConnection::setDefaultHostnameVerifier, HostDefaults.HOSTNAME_VERIFIER, loaders, undone);
        }
        for (Provider provider : Security.getProviders()) {
            if (owned(provider, loaders)) {
                Security.removeProvider(provider.getName());
                undone.add("the security provider " + provider.getName() + " (" + provider.getClass().getName() + ")");
            }
        }
        if (logging) {
            sweepLogging(loaders, undone);
        }
        if (mbeans != null) {
            sweepMBeans(loaders, mbeans, undone);
        }
        if (desktop) {
            sweepImageIo(loaders, undone);
        }
        return undone;
    }

    /**
     * ImageIO's registry keeps every reader, writer and stream provider it found, for the life of the JVM:
     * those registered by {@code ImageIO.scanForPlugins()}, and those it found itself when it first ran with
     * the plugin's loader as context loader.
     */
    private static void sweepImageIo(Set<ClassLoader> loaders, List<String> undone) {
        IIORegistry registry = IIORegistry.getDefaultInstance();
        List<Object> owned = new ArrayList<>();
        for (Iterator<Class<?>> categories = registry.getCategories(); categories.hasNext(); ) {
            Iterator<?> providers = registry.getServiceProviders(categories.next(), false);
            while (providers.hasNext()) {
                Object provider = providers.next();
                if (owned(provider, loaders) && !owned.contains(provider)) {
                    owned.add(provider);
                }
            }
        }
        for (Object provider : owned) {
            registry.deregisterServiceProvider(provider);
            undone.add("the ImageIO provider " + provider.getClass().getName());
        }
    }

    private static void sweepLogging(Set<ClassLoader> loaders, List<String> undone) {
        LogManager manager = LogManager.getLogManager();
        for (String name : Collections.list(manager.getLoggerNames())) {
            Logger logger = manager.getLogger(name);
            if (logger == null) {
                continue;
            }
            String shown = name.isEmpty() ? "the root logger" : "logger '" + name + "'";
            for (Handler handler : logger.getHandlers()) {
                if (owned(handler, loaders) || owned(handler.getFilter(), loaders)
                        || owned(handler.getFormatter(), loaders)) {
                    logger.removeHandler(handler); // not closed: that would run the plugin's code here
                    undone.add("the logging handler " + handler.getClass().getName() + " of " + shown);
                }
            }
            if (owned(logger.getFilter(), loaders)) {
                undone.add("the logging filter " + logger.getFilter().getClass().getName() + " of " + shown);
                logger.setFilter(null);
            }
        }
    }

    /**
     * In every MBean server created so far (the platform one is not created if nothing asked for it), among the
     * MBeans registered since the plugin's code first ran.
     */
    private static void sweepMBeans(Set<ClassLoader> loaders, MBeanRegistrations mbeans, List<String> undone) {
        mbeans.forgetReleasedServers();
        for (MBeanServer server : MBeanServerFactory.findMBeanServer(null)) {
            for (ObjectName name : mbeans.candidates(server)) {
                try {
                    if (loaders.contains(server.getClassLoaderFor(name)) || wrapsPluginClass(server, name, loaders)) {
                        server.unregisterMBean(name);
                        undone.add("the MBean " + name);
                    }
                } catch (JMException | RuntimeException e) {
                    // gone meanwhile, or a server that will not say: the leak report names the loader
                }
            }
        }
    }

    /**
     * A {@link StandardMBean} is a JDK object, so the server names the JDK's loader for it; the class
     * of what it wraps is the one in its {@code MBeanInfo}, looked up by name in the plugin's loaders.
     */
    private static boolean wrapsPluginClass(MBeanServer server, ObjectName name, Set<ClassLoader> loaders)
            throws JMException {
        if (!server.isInstanceOf(name, StandardMBean.class.getName())) {
            return false;
        }
        String implementation = loadableName(server.getMBeanInfo(name).getClassName());
        for (ClassLoader loader : loaders) {
            try {
                if (loaders.contains(Class.forName(implementation, false, loader).getClassLoader())) {
                    return true;
                }
            } catch (ClassNotFoundException | LinkageError notThere) {
                // not this loader's
            }
        }
        return false;
    }

    /**
     * A hidden class, such as a lambda's ({@code Outer$$Lambda$12/0x0000...}), cannot be found by its name; the
     * class it was made for ({@code Outer}), which its loader defined too, stands for it.
     */
    private static String loadableName(String className) {
        int hidden = className.indexOf('/');
        if (hidden < 0) {
            return className;
        }
        String lookupClass = className.substring(0, hidden);
        int lambda = lookupClass.indexOf("$$Lambda");
        return lambda < 0 ? lookupClass : lookupClass.substring(0, lambda);
    }

    /** Puts the host's value of a default back if the plugin's is in place (none if the host's was the plugin's). */
    private static <T> void putBack(String what, Supplier<T> current, Consumer<T> set, T hostValue,
                                    Set<ClassLoader> loaders, List<String> undone) {
        T value = current.get();
        if (owned(value, loaders)) {
            set.accept(owned(hostValue, loaders) ? null : hostValue);
            undone.add(what + " " + value.getClass().getName());
        }
    }

    private static boolean owned(Object object, Set<ClassLoader> loaders) {
        return object != null && loaders.contains(object.getClass().getClassLoader());
    }
}
