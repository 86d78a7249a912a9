/**
 * Example plugin 1: greets, and exports a small typed API that plugins declaring it as a
 * dependency can call with real types.
 */
module io.pluginhost.example.one {
    requires io.pluginhost.api;

    exports io.pluginhost.example.one.api;

    provides io.pluginhost.api.Plugin with io.pluginhost.example.one.internal.GreeterPlugin;
}
