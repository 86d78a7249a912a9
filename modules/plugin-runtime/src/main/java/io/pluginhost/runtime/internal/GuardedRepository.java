package io.pluginhost.runtime.internal;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.function.Function;

/**
 * Wraps a repository so that every call fails with the "plugin unloaded" error once the plugin's
 * context is invalidated, whatever the repository implementation does. The engine guarantees this,
 * so the database, Kafka and S3 modules need not each remember it. A repository that hands a repository
 * of its kind to the plugin's work (the database's {@code inTransaction(tx -> ...)}, itself or the one it
 * opened lazily) hands over this proxy instead, so the statements run through {@code tx} are counted and
 * guarded as every other call is.
 */
public final class GuardedRepository implements InvocationHandler {

    private final ScopedPluginContext context;
    private final Class<?> type;
    private final Object target;
    private final MetricsRelay metrics;
    private final String pluginName;
    private final String kind;

    private GuardedRepository(ScopedPluginContext context, Class<?> type, Object target, MetricsRelay metrics,
                              String pluginName, String kind) {
        this.context = context;
        this.type = type;
        this.target = target;
        this.metrics = metrics;
        this.pluginName = pluginName;
        this.kind = kind;
    }

    /**
     * @param type    the repository interface
     * @param target  the implementation
     * @param context the plugin's context, for validity
     * @param metrics where calls are counted
     * @param plugin  the plugin's name
     * @param kind    {@code database}, {@code kafka} or {@code s3}
     * @param <R>     the repository interface
     * @return a proxy of {@code type}
     */
    public static <R> R guard(Class<R> type, R target, ScopedPluginContext context, MetricsRelay metrics,
                              String plugin, String kind) {
        Object proxy = Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                new GuardedRepository(context, type, target, metrics, plugin, kind));
        return type.cast(proxy);
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        if (method.getDeclaringClass() == Object.class) {
            return ProxyIdentity.objectMethod(proxy, method, args, "Guarded[" + context + "]");
        }
        context.ensureValid();
        try {
            Object result = method.invoke(target, handingOverTheProxy(proxy, args));
            metrics.repositoryCall(pluginName, kind, false);
            return result;
        } catch (InvocationTargetException e) {
            metrics.repositoryCall(pluginName, kind, true);
            throw e.getCause();
        }
    }

    /** The arguments, with each {@link Function} given the proxy where the repository would give a repository. */
    private Object[] handingOverTheProxy(Object proxy, Object[] args) {
        if (args == null) {
            return null;
        }
        Object[] passed = args;
        for (int i = 0; i < args.length; i++) {
            if (args[i] instanceof Function<?, ?> work) {
                if (passed == args) {
                    passed = args.clone();
                }
                passed[i] = proxyInsteadOfRepository(work, proxy);
            }
        }
        return passed;
    }

    @SuppressWarnings("unchecked")
    private Function<Object, Object> proxyInsteadOfRepository(Function<?, ?> work, Object proxy) {
        Function<Object, Object> plugins = (Function<Object, Object>) work;
        return given -> plugins.apply(type.isInstance(given) ? proxy : given);
    }
}
