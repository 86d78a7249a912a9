package io.pluginhost.runtime.internal;

import java.lang.ref.Reference;
import java.lang.reflect.Field;
import java.security.AccessControlContext;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * What an unloaded plugin may have left in the JVM's threads, and the cleaning Tomcat's leak
 * prevention does for web applications ({@code clearReferencesThreads}), done after every unload.
 *
 * <p>A thread created while plugin code is on the stack inherits two references to the plugin's
 * loader: its context class loader, and (up to JDK 23) an inherited access-control context holding
 * the plugin's protection domain. A container pool that starts a worker lazily, inside the first
 * plugin call that needs one, pins the plugin that way for the life of the pool. Both are reset
 * here: the context loader to the host's, the inherited context cleared (it has no effect without a
 * security manager). That field is reachable only where {@code java.lang} is open to the host
 * ({@code --add-opens java.base/java.lang=ALL-UNNAMED}, as WildFly's launcher sets).
 *
 * <p>A thread whose own class, or whose task, is the plugin's cannot be cleaned: it runs the
 * plugin's code. It is reported by name.
 */
public final class ThreadHygiene {

    private static final Field INHERITED_CONTEXT = field(Thread.class, "inheritedAccessControlContext");
    private static final Field CONTEXT_DOMAINS = field(AccessControlContext.class, "context");
    /** A thread's task: {@code Thread.target} up to JDK 18, {@code Thread.holder.task} from JDK 19 on. */
    private static final Field TARGET = field(Thread.class, "target");
    private static final Field HOLDER = field(Thread.class, "holder");
    private static final Field HOLDER_TASK = field(nested("java.lang.Thread$FieldHolder"), "task");
    private static final Field THREAD_LOCALS = field(Thread.class, "threadLocals");
    private static final Field INHERITABLE_THREAD_LOCALS = field(Thread.class, "inheritableThreadLocals");
    private static final Field MAP_TABLE = field(nested("java.lang.ThreadLocal$ThreadLocalMap"), "table");
    private static final Field ENTRY_VALUE = field(nested("java.lang.ThreadLocal$ThreadLocalMap$Entry"), "value");
    /** {@code ApplicationShutdownHooks.hooks}: the registered hooks, which no public API lists. */
    private static final Field SHUTDOWN_HOOKS = field(nested("java.lang.ApplicationShutdownHooks"), "hooks");

    private ThreadHygiene() {
    }

    /**
     * Cleans every live thread of references to an unloaded plugin's loader.
     *
     * @param unloaded the plugin's loader
     * @param host     the context loader to give threads that had the plugin's
     * @return why a thread still keeps the loader: one line per thread that runs the plugin's code
     */
    public static List<String> afterUnload(ClassLoader unloaded, ClassLoader host) {
        List<String> reasons = new ArrayList<>();
        for (Thread thread : liveThreads()) {
            if (thread == null) {
                continue;
            }
            boolean inherited = thread.getContextClassLoader() == unloaded;
            if (inherited) {
                thread.setContextClassLoader(host);
            }
            clearInheritedContext(thread, unloaded, inherited);
            Thread.UncaughtExceptionHandler handler = thread.getUncaughtExceptionHandler(); // null once it ended
            if (handler != null && handler.getClass().getClassLoader() == unloaded) {
                thread.setUncaughtExceptionHandler(null); // set by plugin code on a thread it was lent
            }
            Object task = task(thread);
            if (thread.getClass().getClassLoader() == unloaded
                    || task != null && task.getClass().getClassLoader() == unloaded) {
                reasons.add("thread '" + thread.getName() + "' runs the plugin's code and is still alive; the"
                        + " plugin's cleanup should stop it");
            }
        }
        return reasons;
    }

    /**
     * Removes the shutdown hooks an unloaded plugin registered and did not remove: an unstarted thread
     * the JVM keeps until it exits, which keeps the plugin's loader and would run the plugin's code
     * after its unload. A hook is the plugin's if its class, its task's class or its context loader is
     * the plugin's (a thread made in plugin code inherits the plugin's context loader). Needs
     * {@code java.lang} open to the host to list the hooks; where it is closed, finds nothing.
     *
     * @param unloaded the plugin's loaders
     * @return the names of the hooks removed
     */
    public static List<String> removeShutdownHooks(Set<ClassLoader> unloaded) {
        if (SHUTDOWN_HOOKS == null) {
            return List.of();
        }
        List<Thread> hooks = new ArrayList<>();
        synchronized (SHUTDOWN_HOOKS.getDeclaringClass()) { // the lock its static methods take
            Object registered;
            try {
                registered = SHUTDOWN_HOOKS.get(null);
            } catch (IllegalAccessException e) {
                return List.of();
            }
            if (registered instanceof Map<?, ?> byThread) {
                for (Object hook : byThread.keySet()) {
                    if (hook instanceof Thread thread && isPlugins(thread, unloaded)) {
                        hooks.add(thread);
                    }
                }
            }
        }
        List<String> removed = new ArrayList<>();
        for (Thread hook : hooks) {
            try {
                if (Runtime.getRuntime().removeShutdownHook(hook)) {
                    removed.add(hook.getName());
                }
            } catch (IllegalStateException shuttingDown) {
                return removed;
            }
        }
        return removed;
    }

    private static boolean isPlugins(Thread thread, Set<ClassLoader> loaders) {
        Object task = task(thread);
        return loaders.contains(thread.getClass().getClassLoader()) || loaders.contains(thread.getContextClassLoader())
                || task != null && loaders.contains(task.getClass().getClassLoader());
    }

    /**
     * Finds the thread-local values of unloaded plugins' classes that live threads still hold: a
     * plugin that sets a {@code ThreadLocal} on a thread it does not own (a container's request
     * thread) and never removes it keeps its loader while that thread lives. Only reads: another
     * thread's map cannot be changed safely, so the entry is named, not removed (a host removes them on
     * the thread itself: {@link #removeFromCurrentThread}). A value is matched by its own class (or array
     * component), what it refers to if it is a {@link Reference}, or the plugin's {@code ThreadLocal}
     * subclass it is kept under; not by what else it holds. Needs {@code java.lang} open to the
     * host; where it is closed, finds nothing.
     *
     * @param loaders unloaded plugins' loaders that are still in memory
     * @return for each loader a value of whose class a thread holds, one line per thread and class
     */
    public static Map<ClassLoader, List<String>> threadLocalHolders(Collection<ClassLoader> loaders) {
        Map<ClassLoader, List<String>> found = new IdentityHashMap<>();
        if (loaders.isEmpty() || MAP_TABLE == null || ENTRY_VALUE == null) {
            return found;
        }
        Set<ClassLoader> wanted = Collections.newSetFromMap(new IdentityHashMap<>());
        wanted.addAll(loaders);
        for (Thread thread : liveThreads()) {
            if (thread == null) {
                continue;
            }
            for (Field map : new Field[] {THREAD_LOCALS, INHERITABLE_THREAD_LOCALS}) {
                Object table = read(MAP_TABLE, read(map, thread));
                if (!(table instanceof Object[] entries)) {
                    continue;
                }
                for (Object entry : entries) {
                    Object value = entry == null ? null : read(ENTRY_VALUE, entry);
                    Class<?> type = value == null ? null : pluginClassOf(entry, value, wanted::contains);
                    if (type == null) {
                        continue;
                    }
                    String held = value instanceof Reference<?> ? value.getClass().getSimpleName() + " to "
                            : "value of ";
                    String reason = "thread '" + thread.getName() + "' holds a thread-local " + held
                            + "the plugin's class " + type.getName() + " (set on a thread the plugin does not own"
                            + " and never removed); the loader stays until that thread ends or removes it";
                    List<String> reasons = found.computeIfAbsent(type.getClassLoader(), l -> new ArrayList<>());
                    if (!reasons.contains(reason)) {
                        reasons.add(reason);
                    }
                }
            }
        }
        return found;
    }

    /**
     * Removes from the current thread the thread-local values that belong to plugins: safe on the
     * thread's own map, as {@link ThreadLocal#remove()} is. Needs {@code java.lang} open to the host;
     * where it is closed, removes nothing.
     *
     * @param plugins whether a class loader is a plugin's
     * @return how many values it removed
     */
    public static int removeFromCurrentThread(Predicate<ClassLoader> plugins) {
        if (MAP_TABLE == null || ENTRY_VALUE == null) {
            return 0;
        }
        Thread thread = Thread.currentThread();
        List<Object> stale = new ArrayList<>(0);
        List<ThreadLocal<?>> owned = new ArrayList<>(0);
        for (Field map : new Field[] {THREAD_LOCALS, INHERITABLE_THREAD_LOCALS}) {
            if (!(read(MAP_TABLE, read(map, thread)) instanceof Object[] entries)) {
                continue;
            }
            for (Object entry : entries) {
                Object value = entry == null ? null : read(ENTRY_VALUE, entry);
                if (value != null && pluginClassOf(entry, value, plugins) != null) {
                    ThreadLocal<?> key = (ThreadLocal<?>) ((Reference<?>) entry).get();
                    if (key != null) {
                        owned.add(key);
                    } else {
                        stale.add(entry); // its ThreadLocal is gone; the map drops the entry when it next looks
                    }
                }
            }
        }
        owned.forEach(ThreadLocal::remove); // after the walk: a removal reorders the table it walked
        for (Object entry : stale) {
            try {
                ENTRY_VALUE.set(entry, null);
            } catch (IllegalAccessException e) {
                // field() made it accessible
            }
        }
        return owned.size() + stale.size();
    }

    /**
     * @return the plugin class a thread-local entry holds on to: its value's class (or array component),
     *         the class of what the value refers to if it is a {@link Reference} (a cache's soft reference),
     *         or the entry's {@code ThreadLocal} subclass; {@code null} if none is a plugin's
     */
    private static Class<?> pluginClassOf(Object entry, Object value, Predicate<ClassLoader> plugins) {
        Object held = value instanceof Reference<?> reference ? reference.get() : value;
        if (held != null) {
            Class<?> type = held.getClass();
            while (type.isArray()) {
                type = type.getComponentType();
            }
            if (type.getClassLoader() != null && plugins.test(type.getClassLoader())) {
                return type;
            }
        }
        Object key = ((Reference<?>) entry).get();
        if (key != null && key.getClass().getClassLoader() != null && plugins.test(key.getClass().getClassLoader())) {
            return key.getClass();
        }
        return null;
    }

    /**
     * @param inheritedLoader whether the thread had the plugin's context loader: then it was created
     *                        under plugin code, and its inherited context is cleared even where this
     *                        JDK does not let the host look inside it
     */
    private static void clearInheritedContext(Thread thread, ClassLoader unloaded, boolean inheritedLoader) {
        Object context = read(INHERITED_CONTEXT, thread);
        if (context == null) {
            return;
        }
        Object domains = read(CONTEXT_DOMAINS, context);
        boolean pins = CONTEXT_DOMAINS == null && inheritedLoader;
        if (domains instanceof ProtectionDomain[] array) {
            for (ProtectionDomain domain : array) {
                pins |= domain != null && domain.getClassLoader() == unloaded;
            }
        }
        if (pins) {
            try {
                INHERITED_CONTEXT.set(thread, null);
            } catch (IllegalAccessException e) {
                // field() made it accessible; nothing else can deny it
            }
        }
    }

    /** @return the {@code Runnable} the thread was made with, or {@code null} (none, or java.lang closed) */
    private static Object task(Thread thread) {
        return TARGET != null ? read(TARGET, thread) : read(HOLDER_TASK, read(HOLDER, thread));
    }

    private static Thread[] liveThreads() {
        ThreadGroup root = Thread.currentThread().getThreadGroup();
        while (root.getParent() != null) {
            root = root.getParent();
        }
        Thread[] threads = new Thread[root.activeCount() * 2 + 16];
        root.enumerate(threads, true);
        return threads;
    }

    private static Object read(Field field, Object target) {
        if (field == null || target == null) {
            return null;
        }
        try {
            return field.get(target);
        } catch (IllegalAccessException e) {
            return null;
        }
    }

    /** @return the JDK's class of that name, or {@code null} where this JDK has none */
    private static Class<?> nested(String name) {
        try {
            return Class.forName(name);
        } catch (ClassNotFoundException e) {
            return null;
        }
    }

    /** @return the field made accessible, or {@code null} where this JDK lacks it or keeps it closed */
    private static Field field(Class<?> type, String name) {
        if (type == null) {
            return null;
        }
        try {
            Field field = type.getDeclaredField(name);
            field.setAccessible(true);
            return field;
        } catch (NoSuchFieldException | RuntimeException e) {
            return null;
        }
    }
}
