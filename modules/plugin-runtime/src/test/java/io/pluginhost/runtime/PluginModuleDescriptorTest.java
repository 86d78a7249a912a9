package io.pluginhost.runtime;

import io.pluginhost.runtime.testing.PluginJarBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The descriptor a plugin's module is defined with: everything the plugin declared, without the
 * compiled versions of what it requires, which the JDK would keep per plugin and never read.
 */
class PluginModuleDescriptorTest {

    @TempDir
    Path dir;

    private final ModuleLayerPluginManager manager = new ModuleLayerPluginManager();

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void aPluginsOwnServicesExportsAndOpensWorkAsDeclared() {
        manager.load(PluginJarBuilder.plugin("services")
                .source("test/services/api/Greeter.java",
                        "package test.services.api; public interface Greeter { String greet(); }")
                .source("test/services/internal/English.java", """
                        package test.services.internal;
                        public class English implements test.services.api.Greeter {
                            public String greet() { return "hello"; }
                        }""")
                .moduleInfo("""
                        module test.services {
                            requires io.pluginhost.api;
                            requires static java.sql;
                            exports test.services.api;
                            opens test.services.internal;
                            uses test.services.api.Greeter;
                            provides test.services.api.Greeter with test.services.internal.English;
                            provides io.pluginhost.api.Plugin with test.services.TestPlugin;
                        }""")
                .body("""
                        public Object execute(Object in) {
                            Module module = getClass().getModule();
                            java.lang.module.ModuleDescriptor d = module.getDescriptor();
                            Map<String, Object> seen = new TreeMap<>();
                            seen.put("greeting", ServiceLoader.load(test.services.api.Greeter.class)
                                    .findFirst().map(test.services.api.Greeter::greet).orElse("no provider"));
                            seen.put("provides", d.provides().stream().map(p -> p.service() + " " + p.providers())
                                    .sorted().toList());
                            seen.put("exported", module.isExported("test.services.api"));
                            seen.put("open", module.isOpen("test.services.internal"));
                            seen.put("uses", List.copyOf(d.uses()));
                            seen.put("requires", d.requires().stream().map(r -> r.name() + " " + r.modifiers()
                                    + " " + r.compiledVersion().map(Object::toString).orElse("-")).sorted().toList());
                            return seen;
                        }
                        """)
                .build(dir));

        assertThat(manager.execute("services", null)).isEqualTo(Map.of(
                "greeting", "hello",
                "provides", List.of("io.pluginhost.api.Plugin [test.services.TestPlugin]",
                        "test.services.api.Greeter [test.services.internal.English]"),
                "exported", true,
                "open", true,
                "uses", List.of("test.services.api.Greeter"),
                "requires", List.of("io.pluginhost.api [] -", "java.base [MANDATED] -", "java.sql [STATIC] -")));
    }

    /**
     * A plugin built against a newer plugin API loaded, and failed with a NoSuchMethodError only when it
     * first called what this host's API does not have, long after it loaded.
     */
    @Test
    void aPluginBuiltAgainstANewerOrIncompatibleApiIsRefusedAtLoadNamingBothVersions() throws Exception {
        String host = io.pluginhost.runtime.version.ApiCompatibility.HOST_API.orElseThrow().toString();
        io.pluginhost.runtime.version.Version ours = io.pluginhost.runtime.version.Version.parse(host).orElseThrow();
        String newer = ours.major() + "." + (ours.minor() + 1) + ".0";
        Path jar = PluginJarBuilder.plugin("newer-api")
                .compiledAgainstApi(PluginJarBuilder.apiOfVersion(dir, newer)).build(dir);

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> manager.load(jar))
                .isInstanceOf(io.pluginhost.api.exception.InvalidPluginException.class)
                .hasMessageContaining("cannot run on this host: it was built against plugin API " + newer)
                .hasMessageContaining("this host's " + host);
        assertThat(manager.list()).isEmpty();

        String older = ours.major() + "." + ours.minor() + ".0";
        manager.load(PluginJarBuilder.plugin("older-patch-api")
                .compiledAgainstApi(PluginJarBuilder.apiOfVersion(dir, older)).build(dir));
        assertThat(manager.find("older-patch-api")).isPresent();
    }
}
