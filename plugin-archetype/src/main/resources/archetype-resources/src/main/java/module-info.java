/** The ${pluginName} plugin: a named module that provides one Plugin. */
module ${package} {
    requires io.pluginhost.api;

    provides io.pluginhost.api.Plugin with ${package}.GreeterPlugin;
}
