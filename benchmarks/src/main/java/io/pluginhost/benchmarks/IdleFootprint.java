package io.pluginhost.benchmarks;

import io.pluginhost.runtime.ModuleLayerPluginManager;
import org.pf4j.PluginManager;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.nio.file.Path;

/**
 * Memory per idle plugin: heap and metaspace held by N loaded, started plugins that got one event,
 * after full collections, divided by N. Run each host in a JVM of its own so neither sees the
 * other's classes:
 * <pre>
 * java -Xmx2g --add-opens java.base/java.lang=ALL-UNNAMED -cp benchmarks/target/benchmarks.jar \
 *     io.pluginhost.benchmarks.IdleFootprint pluginhost 1000
 * java -Xmx2g -cp benchmarks/target/benchmarks.jar io.pluginhost.benchmarks.IdleFootprint pf4j 1000
 * </pre>
 * A warm-up round (the same N loaded and unloaded) first, so the host's own classes and caches are
 * not counted.
 */
public final class IdleFootprint {

    private IdleFootprint() {
    }

    public static void main(String[] args) {
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
        String host = args.length > 0 ? args[0] : "pluginhost";
        int count = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
        Path dir = host.equals("pf4j") ? ScalePlugins.pf4j(count) : ScalePlugins.pluginhost(count);
        try {
            AutoCloseable warmUp = load(host, dir, count);
            close(warmUp);
            long[] before = measure();
            AutoCloseable loaded = load(host, dir, count);
            long[] after = measure();
            System.out.printf("%s, %d idle plugins: heap %.1f KiB and metaspace %.1f KiB per plugin%n", host, count,
                    (after[0] - before[0]) / 1024.0 / count, (after[1] - before[1]) / 1024.0 / count);
            close(loaded);
        } finally {
            ScalePlugins.deleteDirectory(dir);
        }
    }

    private static AutoCloseable load(String host, Path dir, int count) {
        if (host.equals("pf4j")) {
            PluginManager pf4j = ScalePlugins.pf4jFirstUse(dir, count);
            return pf4j::unloadPlugins;
        }
        ModuleLayerPluginManager manager = ScalePlugins.firstUse(dir, count);
        return manager;
    }

    private static void close(AutoCloseable host) {
        try {
            host.close();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return heap and metaspace in use after full collections */
    private static long[] measure() {
        for (int i = 0; i < 5; i++) {
            System.gc();
        }
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        long metaspace = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getName().equals("Metaspace")).mapToLong(p -> p.getUsage().getUsed()).sum();
        return new long[] {heap, metaspace};
    }
}
