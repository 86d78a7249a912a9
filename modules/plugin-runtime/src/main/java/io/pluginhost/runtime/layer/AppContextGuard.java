package io.pluginhost.runtime.layer;

import javax.imageio.ImageIO;

/**
 * Makes the JVM's main {@code AppContext} (of {@code java.desktop}) before any plugin code can: it keeps
 * the context loader of the thread that made it for the life of the JVM, and ImageIO makes it at its first
 * use, which in a server may well be a plugin's, whose loader would then never go. Tomcat's
 * {@code JreMemoryLeakPreventionListener} does the same for web applications. Done once per JVM, before the
 * code of the first plugin that reads {@code java.desktop} runs (ImageIO's start then costs that load 70 to
 * 90 ms in a plain JVM); other plugins cannot reach {@code AppContext} and pay nothing.
 */
final class AppContextGuard {

    private static volatile boolean done;

    private AppContextGuard() {
    }

    /** Makes the main {@code AppContext}, if nothing has yet, with the system class loader as context loader. */
    static void beforePluginCode() {
        if (done) {
            return;
        }
        synchronized (AppContextGuard.class) {
            if (done) {
                return;
            }
            Thread thread = Thread.currentThread();
            ClassLoader context = thread.getContextClassLoader();
            thread.setContextClassLoader(ClassLoader.getSystemClassLoader());
            try {
                ImageIO.getCacheDirectory(); // ImageIO's registry and settings live in the main AppContext
            } catch (RuntimeException | LinkageError e) {
                System.getLogger(AppContextGuard.class.getName()).log(System.Logger.Level.WARNING, "could not start"
                        + " ImageIO outside plugin code; a plugin that uses it first may keep its loader: " + e);
            } finally {
                thread.setContextClassLoader(context);
                done = true;
            }
        }
    }
}
