package io.pluginhost.it.support;

import io.pluginhost.runtime.testing.PluginJarBuilder;

import java.nio.file.Path;

/**
 * A plugin whose own health check is up while a file the test holds is there, and down "the rates service does
 * not answer" once the test removes it (the server runs on this machine, so it sees the test's files).
 */
public final class RatesHealthPlugin {

    /** What it says when it is down. */
    public static final String DOWN = "the rates service does not answer";

    private RatesHealthPlugin() {
    }

    /**
     * @param name   the plugin's name
     * @param answer the file whose presence is its health
     * @param dir    where the jar is written
     * @return the jar
     */
    public static Path jar(String name, Path answer, Path dir) {
        return PluginJarBuilder.plugin(name).body("""
                public PluginHealth health() {
                    return java.nio.file.Files.exists(java.nio.file.Path.of("%s")) ? PluginHealth.up()
                            : PluginHealth.down("%s");
                }
                """.formatted(answer, DOWN)).build(dir);
    }
}
