package io.pluginhost.benchmarks;

import io.pluginhost.runtime.ModuleLayerPluginManager;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Extracts the example plugin jars bundled in the benchmark jar to a temporary directory, and loads them. */
final class BenchPlugins {

    private BenchPlugins() {
    }

    /** @return a new engine with example-plugin-1 and example-plugin-2 loaded, the JDK's logging quieted */
    static ModuleLayerPluginManager bothExamples() {
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
        ModuleLayerPluginManager manager = new ModuleLayerPluginManager();
        manager.load(extract("example-plugin-1.jar"));
        manager.load(extract("example-plugin-2.jar"));
        return manager;
    }

    static Path extract(String jarName) {
        try (InputStream in = BenchPlugins.class.getResourceAsStream("/bench-plugins/" + jarName)) {
            if (in == null) {
                throw new IllegalStateException("bench-plugins/" + jarName + " is missing from the benchmark jar");
            }
            Path dir = Files.createTempDirectory("pluginhost-bench");
            dir.toFile().deleteOnExit();
            Path jar = dir.resolve(jarName);
            Files.copy(in, jar, StandardCopyOption.REPLACE_EXISTING);
            jar.toFile().deleteOnExit();
            return jar;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
