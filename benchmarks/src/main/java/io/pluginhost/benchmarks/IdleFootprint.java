package io.pluginhost.benchmarks;

import io.pluginhost.runtime.ModuleLayerPluginManager;
import org.pf4j.PluginManager;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.JMException;
import javax.management.ObjectName;

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
 * not counted. Metaspace is also split, with the JVM's {@code VM.metaspace} report, into what the
 * plugins' own class loaders use (the plugin's classes: the plugin author's code) and the rest
 * (what the host adds per plugin). The report also gives what those loaders hold: the JVM gives each
 * class loader metaspace chunks of its own (4 KiB and 1 to 2 KiB for a loader's first small classes),
 * which no other loader can use, so that, not what its classes use of them, is the memory a plugin's
 * loader takes from the process.
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
            long metaspace = after[1] - before[1];
            long[] pluginLoaders = metaspaceOfLoaders(host.equals("pf4j") ? "org.pf4j.PluginClassLoader"
                    : "io.pluginhost.runtime.layer.PluginModuleLoader");
            long pluginClasses = pluginLoaders[0];
            System.out.printf(Locale.ROOT, "%s, %d idle plugins: heap %.1f KiB and metaspace %.1f KiB per plugin"
                            + " (the plugin's own classes %.2f KiB, the host's share %.2f KiB);"
                            + " the plugin's class loader holds %.2f KiB of metaspace chunks%n", host, count,
                    (after[0] - before[0]) / 1024.0 / count, metaspace / 1024.0 / count,
                    pluginClasses / 1024.0 / count, (metaspace - pluginClasses) / 1024.0 / count,
                    pluginLoaders[1] / 1024.0 / count);
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

    /**
     * @param loaderClass the class of the plugins' class loaders
     * @return the metaspace in use by every class loader of that class, and the capacity of the chunks
     *         those loaders hold, from the JVM's {@code VM.metaspace show-loaders} report
     */
    private static long[] metaspaceOfLoaders(String loaderClass) {
        String report;
        try {
            report = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "vmMetaspace",
                    new Object[] {new String[] {"show-loaders"}}, new String[] {String[].class.getName()});
        } catch (JMException e) {
            throw new IllegalStateException("the JVM's metaspace report is not available", e);
        }
        long used = 0;
        long capacity = 0;
        boolean inLoader = false;
        for (String line : report.split("\n")) {
            if (line.contains(" CLD ")) {
                inLoader = line.contains("instance of " + loaderClass + ",");
            } else if (inLoader && line.trim().startsWith("Both:")) {
                used += bytes(USED, line);
                capacity += bytes(CAPACITY, line);
                inLoader = false;
            }
        }
        return new long[] {used, capacity};
    }

    private static long bytes(Pattern figure, String line) {
        Matcher m = figure.matcher(line);
        if (!m.find()) {
            throw new IllegalStateException("unexpected line in the metaspace report: " + line);
        }
        double value = Double.parseDouble(m.group(1));
        return (long) (m.group(2).equals("bytes") ? value : m.group(2).equals("KB") ? value * 1024
                : value * 1024 * 1024);
    }

    private static final Pattern USED = Pattern.compile("([\\d.]+) (bytes|KB|MB) \\(\\s*\\d+%\\) used");
    private static final Pattern CAPACITY = Pattern.compile("([\\d.]+) (bytes|KB|MB) capacity");

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
