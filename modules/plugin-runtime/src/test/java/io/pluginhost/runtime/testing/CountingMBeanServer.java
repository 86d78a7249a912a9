package io.pluginhost.runtime.testing;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.management.MBeanServer;
import javax.management.MBeanServerBuilder;
import javax.management.MBeanServerDelegate;
import javax.management.MBeanServerFactory;

/**
 * An MBean server of the JDK's, registered with {@link MBeanServerFactory} as a container's is, that counts
 * what it is asked: how often all its MBeans were listed, how many were inspected one by one, how many
 * notification listeners were added and removed. In WildFly listing them walks the whole management model
 * (half a second); here a test can tell whether the engine did, without timing it.
 */
public final class CountingMBeanServer implements InvocationHandler {

    private static final String BUILDER_PROPERTY = "javax.management.builder.initial";

    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private volatile MBeanServer real;

    private CountingMBeanServer() {
    }

    /**
     * @param defaultDomain the server's default domain, by which a test plugin can find it
     * @return a new server that {@link MBeanServerFactory#findMBeanServer} lists until {@link #release}
     */
    public static synchronized MBeanServer create(String defaultDomain) {
        String before = System.getProperty(BUILDER_PROPERTY);
        System.setProperty(BUILDER_PROPERTY, Builder.class.getName());
        try {
            return MBeanServerFactory.createMBeanServer(defaultDomain);
        } finally {
            if (before == null) {
                System.clearProperty(BUILDER_PROPERTY);
            } else {
                System.setProperty(BUILDER_PROPERTY, before);
            }
        }
    }

    /** @return the counts of a server {@link #create} made */
    public static CountingMBeanServer of(MBeanServer server) {
        return (CountingMBeanServer) Proxy.getInvocationHandler(server);
    }

    /** Takes a server {@link #create} made off the factory's list. */
    public static void release(MBeanServer server) {
        MBeanServerFactory.releaseMBeanServer(server);
    }

    /** @return how often all of the server's MBeans were listed ({@code queryNames}, {@code queryMBeans}) */
    public int listings() {
        return count("queryNames") + count("queryMBeans");
    }

    /** @return how many times one MBean's class loader was asked for */
    public int classLoaderLookups() {
        return count("getClassLoaderFor");
    }

    /** @return listeners added minus listeners removed */
    public int listenersLeft() {
        return count("addNotificationListener") - count("removeNotificationListener");
    }

    private int count(String method) {
        AtomicInteger count = calls.get(method);
        return count == null ? 0 : count.get();
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] arguments) throws Throwable {
        if (method.getDeclaringClass() == Object.class) { // the factory finds its servers by equals
            return switch (method.getName()) {
                case "equals" -> proxy == arguments[0];
                case "hashCode" -> System.identityHashCode(proxy);
                default -> "counting " + real;
            };
        }
        calls.computeIfAbsent(method.getName(), m -> new AtomicInteger()).incrementAndGet();
        try {
            return method.invoke(real, arguments);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** What {@link MBeanServerFactory} builds servers with while {@link #create} runs. */
    public static final class Builder extends MBeanServerBuilder {
        @Override
        public MBeanServer newMBeanServer(String defaultDomain, MBeanServer outer, MBeanServerDelegate delegate) {
            CountingMBeanServer counting = new CountingMBeanServer();
            MBeanServer proxy = (MBeanServer) Proxy.newProxyInstance(MBeanServer.class.getClassLoader(),
                    new Class<?>[] {MBeanServer.class}, counting);
            counting.real = super.newMBeanServer(defaultDomain, outer == null ? proxy : outer, delegate);
            return proxy;
        }
    }
}
