package io.pluginhost.runtime.lifecycle;

import io.pluginhost.api.exception.PluginContextInvalidatedException;
import io.pluginhost.runtime.internal.ProxyIdentity;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * What a plugin gets from {@code context.extensions(type)}: a proxy of the extension point whose
 * calls go into the providing plugin through {@link LoadedPlugin#callExtension} (its context loader,
 * call depth and gate). The providing plugin's unload {@linkplain #drop drops} the implementation and
 * the plugin from the handle, so a plugin that keeps the proxy keeps nothing of the one that
 * unloaded: the proxy's class belongs to the extension point's loader, which the caller sees anyway.
 */
final class ExtensionHandle implements InvocationHandler {

    private final String pluginName;
    private final String type;
    private volatile LoadedPlugin owner;
    private volatile Object implementation;

    private ExtensionHandle(LoadedPlugin owner, Object implementation, String type) {
        this.pluginName = owner.name();
        this.type = type;
        this.owner = owner;
        this.implementation = implementation;
    }

    /**
     * @return a proxy of {@code type} over the implementation, and the handle to drop it with
     */
    static <T> Handled<T> of(Class<T> type, LoadedPlugin owner, T implementation) {
        ExtensionHandle handle = new ExtensionHandle(owner, implementation, type.getName());
        T proxy = type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handle));
        return new Handled<>(proxy, handle);
    }

    /** A proxy handed to plugins and the handle behind it, which the engine keeps. */
    record Handled<T>(T proxy, ExtensionHandle handle) {
    }

    /** Lets go of the implementation and its plugin; later calls fail as after an unload. */
    void drop() {
        implementation = null;
        owner = null;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        if (method.getDeclaringClass() == Object.class) {
            return ProxyIdentity.objectMethod(proxy, method, args, "Extension[" + type + " of plugin '" + pluginName
                    + "'" + (implementation == null ? ", unloaded" : "") + "]");
        }
        LoadedPlugin plugin = owner;
        Object target = implementation;
        if (plugin == null || target == null) {
            throw new PluginContextInvalidatedException(pluginName);
        }
        return plugin.callExtension(target, method, args);
    }
}
