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

    private GuardedRepository(ScopedPluginContext context, Object target) {
        this.context = context;
        this.target = target;
    }

    /**
     * @param type    the repository interface
     * @param target  the implementation
     * @param context the plugin's context, for validity
     * @param <R>     the repository interface
     * @return a proxy of {@code type}
     */
    public static <R> R guard(Class<R> type, R target, ScopedPluginContext context) {
        Object proxy = Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                new GuardedRepository(context, target));
        return type.cast(proxy);
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        if (method.getDeclaringClass() == Object.class) {
            return switch (method.getName()) {
                case "equals" -> proxy == args[0];
                case "hashCode" -> System.identityHashCode(proxy);
                default -> "Guarded[" + context + "]";
            };
        }
        context.ensureValid();
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
