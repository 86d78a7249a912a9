package io.pluginhost.api.exception;

/**
 * The root of every plugin-related error the host reports. Unchecked: callers catch the subtype
 * they can act on.
 */
public class PluginException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** @param message what went wrong, and what to do about it where that is known */
    public PluginException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong
     * @param cause   the underlying failure
     */
    public PluginException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Records the stack as text only. The JVM's own record of a stack keeps the class of every frame
     * alive while the exception is kept; the host keeps these exceptions (error reports, logs) and
     * often creates them with an unloaded plugin's frames below, which would keep its class loader.
     *
     * @return this exception
     */
    @Override
    public synchronized Throwable fillInStackTrace() {
        setStackTrace(StackWalker.getInstance().walk(frames -> frames
                .dropWhile(frame -> frame.getMethodName().equals("fillInStackTrace")
                        || frame.getMethodName().equals("<init>"))
                .map(StackWalker.StackFrame::toStackTraceElement)
                .toArray(StackTraceElement[]::new)));
        return this;
    }
}
