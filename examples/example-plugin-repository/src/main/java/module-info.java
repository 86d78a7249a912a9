/**
 * Example plugin that declares tables, a topic and a bucket and uses whichever repositories the
 * host provides.
 */
module io.pluginhost.example.repository {
    requires io.pluginhost.api;

    provides io.pluginhost.api.Plugin with io.pluginhost.example.repository.NotesPlugin;
}
