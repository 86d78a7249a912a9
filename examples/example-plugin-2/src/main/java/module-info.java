/**
 * Example plugin 2: depends on example-plugin-1 and calls its GreetingService with real types;
 * listens to {@code data:*} and answers {@code task:started}.
 */
module io.pluginhost.example.two {
    requires io.pluginhost.api;
    requires io.pluginhost.example.one;

    provides io.pluginhost.api.Plugin with io.pluginhost.example.two.StatisticsPlugin;
}
