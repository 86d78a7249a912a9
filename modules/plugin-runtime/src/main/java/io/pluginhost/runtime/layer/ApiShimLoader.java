package io.pluginhost.runtime.layer;

import java.util.Set;

/**
 * The parent loader of every plugin layer. It hands out the host's own API classes (so plugin and
 * host share one {@code Plugin} type) and otherwise only what the platform loader has; host
 * internals (JDBC drivers, Kafka, the engine itself) cannot be loaded through it by name.
 */
final class ApiShimLoader extends ClassLoader {

    static {
        registerAsParallelCapable();
    }

    private final ClassLoader hostApiLoader;
    private final Set<String> apiPackages;

    ApiShimLoader(ClassLoader hostApiLoader, Set<String> apiPackages) {
        // The platform loader, not the system loader: in WildFly the system loader exposes org.jboss.modules.
        super("plugin-api-shim", ClassLoader.getPlatformClassLoader());
        this.hostApiLoader = hostApiLoader;
        this.apiPackages = Set.copyOf(apiPackages);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        int dot = name.lastIndexOf('.');
        if (dot > 0 && apiPackages.contains(name.substring(0, dot))) {
            return hostApiLoader.loadClass(name);
        }
        return super.loadClass(name, resolve);
    }
}
