package io.pluginhost.it.support;

import io.pluginhost.runtime.testing.PluginJarBuilder;

import java.nio.file.Path;

/** A plugin with the table {@code notes}, which it creates in {@code initialize}, as several tests need one. */
public final class NotesPlugin {

    private NotesPlugin() {
    }

    /**
     * @param name    the plugin's name
     * @param execute the body of its {@code execute(Object in)}; {@code context} is its {@code PluginContext}
     * @param dir     where the jar is written
     * @return the jar
     */
    public static Path jar(String name, String execute, Path dir) {
        return PluginJarBuilder.plugin(name).tables("notes").body("""
                private PluginContext context;
                public void initialize(PluginContext context) {
                    this.context = context;
                    context.database().orElseThrow().executeCommand(
                        "CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY, body VARCHAR(100))");
                }
                public Object execute(Object in) {
                %s
                }
                """.formatted(execute)).build(dir);
    }
}
