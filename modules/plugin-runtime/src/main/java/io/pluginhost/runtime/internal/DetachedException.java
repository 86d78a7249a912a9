package io.pluginhost.runtime.internal;

import java.util.IdentityHashMap;
import java.util.Map;

/**
 * A copy of an exception thrown by plugin code that keeps only its text: class name, message, stack
 * trace, cause and suppressed exceptions, all copied. The original may be an instance of a plugin
 * class, and keeping it (in an error report, a log record, a REST response) would keep the plugin's
 * class loader alive after unload.
 */
public final class DetachedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String originalClassName;

    private DetachedException(String originalClassName, String message) {
        // Not super(message, null, ...): a cause given as null can never be set, and copy() sets it.
        super(message == null ? originalClassName : originalClassName + ": " + message);
        this.originalClassName = originalClassName;
    }

    /**
     * @param t a throwable from plugin code, or {@code null}
     * @return a detached copy, or {@code null} for {@code null}
     */
    public static DetachedException of(Throwable t) {
        return t == null ? null : copy(t, new IdentityHashMap<>());
    }

    private static DetachedException copy(Throwable t, Map<Throwable, DetachedException> seen) {
        if (t instanceof DetachedException d) {
            return d;
        }
        DetachedException known = seen.get(t);
        if (known != null) {
            return known;
        }
        DetachedException copy = new DetachedException(t.getClass().getName(), safeMessage(t));
        seen.put(t, copy);
        copy.setStackTrace(t.getStackTrace());
        Throwable cause = t.getCause();
        if (cause != null && cause != t) {
            copy.initCause(copy(cause, seen));
        }
        for (Throwable suppressed : t.getSuppressed()) {
            copy.addSuppressed(copy(suppressed, seen));
        }
        return copy;
    }

    private static String safeMessage(Throwable t) {
        try {
            return t.getMessage();
        } catch (RuntimeException e) {
            return "(getMessage() threw " + e.getClass().getName() + ")";
        }
    }

    /**
     * Records no stack of its own: the copy gets the original's, as text. The JVM's record of the
     * current stack would keep the classes of its frames alive, and a copy is often made with plugin
     * frames below (a listener of a plugin that another plugin's emit called).
     *
     * @return this exception
     */
    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }

    /** @return the class name of the original exception */
    public String originalClassName() {
        return originalClassName;
    }
}
