package io.pluginhost.runtime.layer;

import java.io.File;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandleProxies;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import javax.imageio.ImageIO;

/**
 * Makes the JVM's main {@code AppContext} (of {@code java.desktop}) and ImageIO's registry before any plugin
 * code can, and so that neither keeps a class loader of the plugins' or of the host's. The main {@code
 * AppContext} keeps the context loader of the thread that made it for the life of the JVM, and ImageIO makes it
 * at its first use, which in a server may well be a plugin's. ImageIO's registry keeps, for each provider it
 * registers at its start, the protection domains of the code on the starting thread's stack, each with its
 * class loader: started from the host's code, it kept the host's loader after an undeploy. Tomcat's {@code
 * JreMemoryLeakPreventionListener} starts ImageIO from the server's own code; a deployment has none. So it
 * starts on a thread of the JDK's common pool (made with no protection domain of anyone's, with the system
 * loader as context loader) and through a {@code Runnable} the JDK makes from a method handle, with no
 * protection domain either: only the JDK's code is on that stack.
 *
 * <p>Done once per JVM, before the code of the first plugin that reads {@code java.desktop} runs (ImageIO's
 * start then costs that load 70 to 90 ms in a plain JVM); other plugins cannot reach {@code AppContext} and pay
 * nothing.
 */
final class AppContextGuard {

    /** How long the load waits for the common pool to start ImageIO, which takes a tenth of a second. */
    private static final long START_WAIT_NANOS = TimeUnit.SECONDS.toNanos(10);

    private static volatile boolean done;

    private AppContextGuard() {
    }

    /** Starts ImageIO, if nothing has yet, with no class loader but the system's in reach. */
    static void beforePluginCode() {
        if (done) {
            return;
        }
        synchronized (AppContextGuard.class) {
            if (done) {
                return;
            }
            try {
                startImageIoWithTheJdksCodeAlone();
            } catch (RuntimeException | LinkageError | ReflectiveOperationException e) {
                System.getLogger(AppContextGuard.class.getName()).log(System.Logger.Level.WARNING, "could not start"
                        + " ImageIO outside plugin code; a plugin that uses it first may keep its loader: " + e);
            } finally {
                done = true;
            }
        }
    }

    private static void startImageIoWithTheJdksCodeAlone() throws ReflectiveOperationException {
        MethodHandle start = MethodHandles.publicLookup().findStatic(ImageIO.class, "getCacheDirectory",
                MethodType.methodType(File.class));
        Thread thread = Thread.currentThread();
        ClassLoader context = thread.getContextClassLoader();
        thread.setContextClassLoader(null); // the proxy class then goes to the system loader, not the host's
        Runnable jdkMade;
        try {
            jdkMade = MethodHandleProxies.asInterfaceInstance(Runnable.class, start);
        } finally {
            thread.setContextClassLoader(context);
        }
        ForkJoinTask<?> started = ForkJoinPool.commonPool().submit(jdkMade);
        // Polled, not joined: a join may run the task on this thread, the host's code beneath it.
        long deadline = System.nanoTime() + START_WAIT_NANOS;
        while (!started.isDone()) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("the JDK's common pool did not run ImageIO's start within "
                        + TimeUnit.NANOSECONDS.toSeconds(START_WAIT_NANOS) + " s");
            }
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(200));
        }
        if (started.getException() != null) {
            throw new IllegalStateException("ImageIO's start failed", started.getException());
        }
    }
}
