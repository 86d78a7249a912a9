/**
 * Example plugin 2: depends on example-plugin-1 and calls its GreetingService with real types;
 * listens to {@code data:*} and answers {@code task:started}. Computes with Apache Commons Math, a
 * private library (lib/commons-math3-3.6.1.jar in its jar, the automatic module commons.math3) that
 * no other plugin and not the host can see. Teaches example-plugin-1 Latin through its extension
 * point {@code Language}.
 */
module io.pluginhost.example.two {
    requires io.pluginhost.api;
    requires io.pluginhost.example.one;
    requires commons.math3;

    provides io.pluginhost.api.Plugin with io.pluginhost.example.two.StatisticsPlugin;
    provides io.pluginhost.example.one.api.Language with io.pluginhost.example.two.Latin;
}
