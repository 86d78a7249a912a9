package io.pluginhost.runtime;

import io.pluginhost.api.exception.InvalidNameException;
import io.pluginhost.runtime.resource.ResourceOverrides;
import io.pluginhost.runtime.testing.ExamplePlugins;
import io.pluginhost.runtime.testing.PluginJarBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A plugin sees the API, the platform, and the exported packages of the plugins it declares: nothing else. */
class PluginIsolationTest {

    @TempDir
    Path dir;

    private final ModuleLayerPluginManager manager = new ModuleLayerPluginManager();

    @AfterEach
    void stop() {
        manager.close();
    }

    /** A plugin whose execute reports, for a class name, whether its own loader and the context loader can load it. */
    private PluginJarBuilder probe(String name) {
        return PluginJarBuilder.plugin(name).body("""
                public Object execute(Object in) {
                    String className = (String) in;
                    return Map.of(
                        "forName", attempt(() -> Class.forName(className)),
                        "contextLoader", attempt(() -> Thread.currentThread().getContextClassLoader().loadClass(className)));
                }
                interface Load { Object run() throws Exception; }
                private static String attempt(Load load) {
                    try { load.run(); return "loaded"; } catch (Exception | LinkageError e) { return e.getClass().getSimpleName(); }
                }
                """);
    }

    @Test
    void aPluginCannotLoadHostClassesByName() {
        manager.load(probe("probe").build(dir));

        for (String hostClass : new String[] {ModuleLayerPluginManager.class.getName(), "org.junit.jupiter.api.Test", "org.assertj.core.api.Assertions"}) {
            assertThat(manager.execute("probe", hostClass)).as(hostClass)
                    .isEqualTo(Map.of("forName", "ClassNotFoundException", "contextLoader", "ClassNotFoundException"));
        }
    }

    @Test
    void aPluginCanLoadTheApiAndPlatformClasses() {
        manager.load(probe("probe").build(dir));

        assertThat(manager.execute("probe", "io.pluginhost.api.PluginContext"))
                .isEqualTo(Map.of("forName", "loaded", "contextLoader", "loaded"));
        assertThat(manager.execute("probe", "java.sql.Connection"))
                .isEqualTo(Map.of("forName", "loaded", "contextLoader", "loaded"));
    }

    @Test
    void aPluginCannotLoadAnUndeclaredPluginsClassesButADependentCan() {
        manager.load(ExamplePlugins.one());
        manager.load(probe("stranger").build(dir));
        manager.load(probe("friend").dependsOn("example-plugin-1").build(dir));

        assertThat(manager.execute("stranger", "io.pluginhost.example.one.api.GreetingService"))
                .isEqualTo(Map.of("forName", "ClassNotFoundException", "contextLoader", "ClassNotFoundException"));
        // Declared in metadata but not required by the module: still invisible, as JPMS readability decides.
        assertThat(manager.execute("friend", "io.pluginhost.example.one.api.GreetingService"))
                .isEqualTo(Map.of("forName", "ClassNotFoundException", "contextLoader", "ClassNotFoundException"));
    }

    @Test
    void aDependentThatRequiresItsDependencyModuleSeesItsExportedTypesOnly() {
        manager.load(ExamplePlugins.one());
        Path jar = probe("reader").dependsOn("example-plugin-1").compileAgainst(ExamplePlugins.one()).moduleInfo("""
                module test.reader {
                    requires io.pluginhost.api;
                    requires io.pluginhost.example.one;
                    provides io.pluginhost.api.Plugin with test.reader.TestPlugin;
                }""").build(dir);
        manager.load(jar);

        assertThat(manager.execute("reader", "io.pluginhost.example.one.api.GreetingService"))
                .isEqualTo(Map.of("forName", "loaded", "contextLoader", "loaded"));
    }

    @Test
    void theContextClassLoaderIsThePluginsDuringACallAndRestoredAfter() {
        manager.load(PluginJarBuilder.plugin("tccl").body("""
                public Object execute(Object in) {
                    return Thread.currentThread().getContextClassLoader() == getClass().getClassLoader();
                }
                """).build(dir));
        ClassLoader before = Thread.currentThread().getContextClassLoader();

        assertThat(manager.execute("tccl", null)).isEqualTo(true);
        assertThat(Thread.currentThread().getContextClassLoader()).isSameAs(before);
    }

    /** The reported collision: 'a' + 'b_users' and 'a_b' + 'users' were both 'a_b_users'. */
    @Test
    void twoPluginsCanNeverBeGivenOnePhysicalTableOrTopic() {
        manager.load(PluginJarBuilder.plugin("a").tables("b_users").topics("b_events").build(dir));

        assertThatThrownBy(() -> manager.load(PluginJarBuilder.plugin("a_b").tables("users").topics("events")
                .build(dir))).isInstanceOf(InvalidNameException.class).hasMessageContaining("no '_'");
        assertThatThrownBy(() -> manager.setOverrides("a", ResourceOverrides.builder()
                .tableNameMap(Map.of("b_users", "b__users")).build())).isInstanceOf(InvalidNameException.class);
        assertThat(manager.get("a").tables()).containsExactly(Map.entry("b_users", "a_b_users"));
        assertThat(manager.list()).hasSize(1);
    }

    /**
     * Resources follow the module system's rules, as with the JDK's module loaders: the plugin reads
     * its own through its classes; through the class loader by name, a resource in one of its
     * packages is encapsulated, one outside every package is not.
     */
    @Test
    void aPluginsResourcesFollowTheModuleRules() {
        String dir = PluginJarBuilder.moduleOf("resources").replace('.', '/');
        manager.load(PluginJarBuilder.plugin("resources")
                .resource(dir + "/inside.txt", "inside").resource("outside.txt", "outside").body("""
                        public Object execute(Object in) throws Exception {
                            try (java.io.InputStream own = getClass().getResourceAsStream("inside.txt")) {
                                ClassLoader loader = getClass().getClassLoader();
                                return new String(own.readAllBytes())
                                        + " " + (loader.getResource("%s/inside.txt") == null ? "hidden" : "visible")
                                        + " " + new String(loader.getResourceAsStream("outside.txt").readAllBytes());
                            }
                        }
                        """.formatted(dir)).build(this.dir));

        assertThat(manager.execute("resources", null)).isEqualTo("inside hidden outside");
    }

    /**
     * A plugin directory's name is the operator's: a space, {@code #} and {@code %} must be quoted in a
     * URL, and {@code !/} ends a {@code jar:} URL's file part. The plugin loads, reads its resources
     * through its classes, its loader and the URLs they give, and unloads.
     */
    @Test
    void aPluginLoadsAndReadsItsResourcesFromADirectoryWhoseNameAUrlMustQuote() throws Exception {
        Path odd = java.nio.file.Files.createDirectories(dir.resolve("plug ins #1 %41 a!").resolve("b!"));
        String own = PluginJarBuilder.moduleOf("odd").replace('.', '/');
        manager.load(PluginJarBuilder.plugin("odd")
                .resource(own + "/inside.txt", "inside").resource("outside.txt", "outside").body("""
                        public Object execute(Object in) throws Exception {
                            ClassLoader loader = getClass().getClassLoader();
                            try (java.io.InputStream byClass = getClass().getResourceAsStream("inside.txt");
                                 java.io.InputStream byUrl = getClass().getResource("inside.txt").openStream();
                                 java.io.InputStream byLoader = loader.getResource("outside.txt").openStream()) {
                                return new String(byClass.readAllBytes()) + " " + new String(byUrl.readAllBytes())
                                        + " " + new String(byLoader.readAllBytes()) + " "
                                        + java.util.Collections.list(loader.getResources("outside.txt")).size();
                            }
                        }
                        """).build(odd));

        assertThat(manager.execute("odd", null)).isEqualTo("inside inside outside 1");
        manager.unload("odd");
        assertThat(manager.list()).isEmpty();
        assertThat(manager.loadDirectory(odd).loaded()).hasSize(1);
        assertThat(manager.execute("odd", null)).isEqualTo("inside inside outside 1");
    }
}
