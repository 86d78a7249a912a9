package io.pluginhost.benchmarks;

import io.pluginhost.runtime.EngineLimits;
import io.pluginhost.runtime.HostServices;
import io.pluginhost.runtime.ModuleLayerPluginManager;
import io.pluginhost.runtime.testing.JarTemplate;
import org.pf4j.JarPluginManager;
import org.pf4j.PluginManager;
import org.pf4j.PluginWrapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;

/**
 * Equally small plugins for both hosts, made from the two template jars in {@code benchmarks/plugins}:
 * ours counts {@code bench:ping} events through a listener it subscribes in {@code initialize}; the
 * PF4J one counts the events the host hands it ({@link Consumer}). Copies differ in name only.
 */
final class ScalePlugins {

    static final String EVENT = "bench:ping";

    private ScalePlugins() {
    }

    /** @return a new directory holding {@code count} distinct plugins of our host */
    static Path pluginhost(int count) {
        return copies("scale-plugin.jar", "scale", count);
    }

    /** @return a new directory holding {@code count} distinct PF4J plugins */
    static Path pf4j(int count) {
        return copies("pf4j-plugin.jar", "pf4j", count);
    }

    /** @return the name of copy {@code index} of our template */
    static String pluginhostName(int index) {
        return JarTemplate.nameOf("scale-" + JarTemplate.TOKEN, index);
    }

    /**
     * @return a new directory holding {@code count} plugins of our host: {@code scale-shared} (the
     *         scale template) and {@code count - 1} copies of a template that declares it as a dependency
     */
    static Path pluginhostShared(int count) {
        Path dir = copies("scale-dependent.jar", "scaledep", count - 1);
        JarTemplate.of(BenchPlugins.extract("scale-plugin.jar")).copyAs(dir.resolve("scale-shared.jar"), "shared");
        return dir;
    }

    /**
     * @return the same for PF4J: {@code pf4j-shared} and {@code count - 1} copies of the PF4J template
     *         whose manifest says {@code Plugin-Dependencies: pf4j-shared}
     */
    static Path pf4jShared(int count) {
        try {
            Path template = BenchPlugins.extract("pf4j-plugin.jar");
            Path dir = Files.createTempDirectory("pluginhost-bench-pf4j-shared");
            JarTemplate.of(template).copyAs(dir.resolve("pf4j-shared.jar"), "shared");
            Path dependent = template.resolveSibling("pf4j-dependent.jar");
            try (JarFile jar = new JarFile(template.toFile());
                 JarOutputStream out = new JarOutputStream(Files.newOutputStream(dependent))) {
                Manifest manifest = jar.getManifest();
                manifest.getMainAttributes().putValue("Plugin-Dependencies", "pf4j-shared");
                out.putNextEntry(new ZipEntry(JarFile.MANIFEST_NAME));
                manifest.write(out);
                out.closeEntry();
                for (JarEntry entry : Collections.list(jar.entries())) {
                    if (entry.getName().equals(JarFile.MANIFEST_NAME)) {
                        continue;
                    }
                    out.putNextEntry(new ZipEntry(entry.getName()));
                    jar.getInputStream(entry).transferTo(out);
                    out.closeEntry();
                }
            }
            JarTemplate.of(dependent).copies(dir, "pf4j", count - 1);
            Files.delete(dependent); // the template of the copies; the extracted jar beside it goes at exit
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path copies(String template, String prefix, int count) {
        try {
            Path dir = Files.createTempDirectory("pluginhost-bench-" + prefix);
            JarTemplate.of(BenchPlugins.extract(template)).copies(dir, prefix, count);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return a new engine that runs {@code initialize} and {@code cleanup} on the caller's thread, as PF4J does */
    static ModuleLayerPluginManager engineWithoutDeadlines() {
        return new ModuleLayerPluginManager(HostServices.NONE, EngineLimits.defaults().withoutLifecycleDeadlines());
    }

    /** Loads a directory into a new engine and delivers one event to every plugin; returns the engine. */
    static ModuleLayerPluginManager firstUse(Path dir, int expected) {
        return firstUse(new ModuleLayerPluginManager(), dir, expected);
    }

    /** The same with an engine of the caller's. */
    static ModuleLayerPluginManager firstUse(ModuleLayerPluginManager manager, Path dir, int expected) {
        int loaded = manager.loadDirectory(dir).loaded().size();
        int delivered = manager.publish(EVENT, null);
        check(loaded, delivered, expected);
        return manager;
    }

    /** The same for PF4J: load, start, and hand the event to every started plugin. */
    @SuppressWarnings("unchecked")
    static PluginManager pf4jFirstUse(Path dir, int expected) {
        PluginManager manager = new JarPluginManager(dir);
        manager.loadPlugins();
        manager.startPlugins();
        List<PluginWrapper> started = manager.getStartedPlugins();
        for (PluginWrapper plugin : started) {
            ((Consumer<Object>) plugin.getPlugin()).accept(EVENT);
        }
        check(manager.getPlugins().size(), started.size(), expected);
        return manager;
    }

    /** @return the directory's files in name order: copy {@code i} of a template is the {@code i}-th */
    static List<Path> sortedJars(Path dir) throws IOException {
        try (Stream<Path> jars = Files.list(dir)) {
            return jars.sorted().toList();
        }
    }

    /** One plugin's whole life in our host: load, one call, unload; returns what the call returned. */
    static Object cycle(ModuleLayerPluginManager engine, Path jar, String name) {
        engine.load(jar);
        Object result = engine.execute(name, null);
        engine.unload(name);
        return result;
    }

    /** The same in PF4J: load, start, one call, stop, unload. */
    @SuppressWarnings("unchecked")
    static Object cycle(PluginManager pf4j, Path jar) {
        String id = pf4j.loadPlugin(jar);
        pf4j.startPlugin(id);
        Object result = ((Supplier<Object>) pf4j.getPlugin(id).getPlugin()).get();
        pf4j.stopPlugin(id);
        if (!pf4j.unloadPlugin(id)) {
            throw new UncheckedIOException(new IOException("PF4J did not unload " + id));
        }
        return result;
    }

    private static void check(int loaded, int delivered, int expected) {
        if (loaded != expected || delivered != expected) {
            throw new IllegalStateException("expected " + expected + " plugins to load and get the event; "
                    + loaded + " loaded, " + delivered + " got it");
        }
    }

    static void deleteDirectory(Path dir) {
        try (var files = Files.list(dir)) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
