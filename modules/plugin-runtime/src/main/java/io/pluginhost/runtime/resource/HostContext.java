package io.pluginhost.runtime.resource;

import java.util.function.Supplier;

/**
 * Runs host code that a plugin called (a repository talking to Kafka or S3) with the host's class
 * loader as the thread's context class loader. Calls into plugin code run with the plugin's loader,
 * which cannot see client libraries; a client that looks up a class or service through the context
 * loader (Kafka's config classes, the AWS SDK's service loading) must see the host's.
 */
public final class HostContext {

    private HostContext() {
    }

    /**
     * @param anchor a host class whose loader to use
     * @param work   the host code
     * @param <T>    its result
     * @return the result
     */
    public static <T> T call(Class<?> anchor, Supplier<T> work) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(anchor.getClassLoader());
        try {
            return work.get();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
