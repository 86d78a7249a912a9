/**
 * The plugin API: everything a plugin author compiles against, and nothing else.
 *
 * <p>A plugin is a named module that {@code requires io.pluginhost.api} and
 * {@code provides io.pluginhost.api.Plugin with} one class annotated with
 * {@link io.pluginhost.api.PluginMetadata}. The host reads that annotation from the class file
 * before any plugin code runs. The API exposes no third-party type: rows, messages and objects
 * travel as the types of {@code io.pluginhost.api.resource}.
 */
module io.pluginhost.api {
    exports io.pluginhost.api;
    exports io.pluginhost.api.resource;
    exports io.pluginhost.api.exception;
}
