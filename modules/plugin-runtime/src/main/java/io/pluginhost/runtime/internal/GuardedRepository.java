package io.pluginhost.runtime.internal;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * Wraps a repository so that every call fails with the "plugin unloaded" error once the plugin's
 * context is invalidated, whatever the repository implementation does. The engine guarantees this,
 * so the database, Kafka and S3 modules need not each remember it.
 */
public final class GuardedRepository implements InvocationHandler {

    private final ScopedPluginContext context;
    private final Object target;
    private final MetricsRelay metrics;
    private final String pluginName;
    private final String kind;

    private GuardedRepository(ScopedPluginContext context, Object target, MetricsRelay metrics, String pluginName,
                              String kind) {
        this.context = context;
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
                new GuardedRepository(context, target, metrics, plugin, kind));
        return type.cast(proxy);
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        if (method.getDeclaringClass() == Object.class) {
            return ProxyIdentity.objectMethod(proxy, method, args, "Guarded[" + context + "]");
        }
        context.ensureValid();
        try {
            Object result = method.invoke(target, args);
            metrics.repositoryCall(pluginName, kind, false);
            return result;
        } catch (InvocationTargetException e) {
            metrics.repositoryCall(pluginName, kind, true);
            throw e.getCause();
        }
    }
}
