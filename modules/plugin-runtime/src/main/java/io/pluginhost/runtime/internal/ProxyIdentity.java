package io.pluginhost.runtime.internal;

import java.lang.reflect.Method;

/** {@code Object}'s methods for the proxies the engine hands to plugins (repositories, extensions). */
public final class ProxyIdentity {

    private ProxyIdentity() {
    }

    /**
     * @param proxy       the proxy
     * @param method      one of {@code Object}'s methods a proxy forwards: {@code equals}, {@code hashCode}
     *                    or {@code toString}
     * @param args        its arguments
     * @param description what {@code toString} answers
     * @return identity equality and hash code, or the description
     */
    public static Object objectMethod(Object proxy, Method method, Object[] args, String description) {
        return switch (method.getName()) {
            case "equals" -> proxy == args[0];
            case "hashCode" -> System.identityHashCode(proxy);
            default -> description;
        };
    }
}
