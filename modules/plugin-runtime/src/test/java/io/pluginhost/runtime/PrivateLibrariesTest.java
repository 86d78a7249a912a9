package io.pluginhost.runtime;

import io.pluginhost.api.exception.DuplicatePluginException;
import io.pluginhost.api.exception.InvalidPluginException;
import io.pluginhost.runtime.testing.Gc;
import io.pluginhost.runtime.testing.PluginJarBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Private libraries: jars under {@code lib/} in the plugin jar, in the plugin's own layer and loader. */
class PrivateLibrariesTest {

    @TempDir
    Path dir;

    private final ModuleLayerPluginManager manager = new ModuleLayerPluginManager();

    @AfterEach
    void stop() {
        manager.close();
    }

    /** Version {@code v} of library "textlib" (automatic module {@code textlib}); it reads its version from a resource. */
    private Path textlib(String v) throws IOException {
        Path into = Files.createDirectories(dir.resolve("textlib-" + v));
        return PluginJarBuilder.libraryJar(into, "textlib-" + v + ".jar", Map.of(
                "textlib/Text.java", """
                        package textlib;
                        public final class Text {
                            public static String version() throws java.io.IOException {
                                try (var in = Text.class.getResourceAsStream("version.txt")) {
                                    return new String(in.readAllBytes());
                                }
                            }
                        }""",
                "textlib/version.txt", v));
    }

    /** A plugin shipping {@code library} and answering its version. */
    private Path userOf(String name, Path library) {
        return PluginJarBuilder.plugin(name).library(library)
                .body("public Object execute(Object in) { try { return textlib.Text.version(); }"
                        + " catch (java.io.IOException e) { throw new java.io.UncheckedIOException(e); } }")
                .build(dir);
    }

    /** A plugin that says whether its own loader can find the library's class by name. */
    private PluginJarBuilder prober(String name) {
        return PluginJarBuilder.plugin(name).body("""
                public Object execute(Object in) {
                    try {
                        Class.forName("textlib.Text", false, getClass().getClassLoader());
                        return "visible";
                    } catch (ClassNotFoundException e) {
                        return "hidden";
                    }
                }""");
    }

    @Test
    void twoPluginsUseTwoVersionsOfOneLibrarySideBySideAndBothLoadersAreCollected() throws IOException {
        manager.load(userOf("alpha", textlib("1.0")));
        manager.load(userOf("beta", textlib("2.0")));

        assertThat(manager.execute("alpha", null)).isEqualTo("1.0");
        assertThat(manager.execute("beta", null)).isEqualTo("2.0");

        manager.unloadAll();
        assertThat(Gc.collectsAll(manager::unloadedButNotCollected)).as("plugin and library loaders collected").isTrue();
    }

    @Test
    void aLibrarysFileIsClosedAtUnload() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")),
                "needs /proc to list open files");
        manager.load(userOf("alpha", textlib("1.0")));
        assertThat(manager.execute("alpha", null)).isEqualTo("1.0");
        Path tests = dir.toRealPath();
        java.util.function.Predicate<Path> engineCopy = p -> p.getFileName() != null
                && p.getFileName().toString().equals("textlib-1.0.jar") && !p.startsWith(tests);
        assertThat(PluginJarBuilder.openFiles()).as("the engine's copy of the library is open while the plugin runs")
                .anyMatch(engineCopy);

        manager.unload("alpha");

        assertThat(PluginJarBuilder.openFiles()).as("open files after unload").noneMatch(engineCopy);
    }

    /** A plugin shipping {@code library} and answering where the engine unpacked it. */
    private Path locator(String name, Path library) throws IOException {
        Path into = Files.createTempDirectory(dir, name);
        return PluginJarBuilder.plugin(name).library(library).body("""
                public Object execute(Object in) {
                    String url = textlib.Text.class.getResource("version.txt").toString();
                    return url.substring("jar:".length(), url.indexOf("!/"));
                }
                """).build(into);
    }

    private Path copyOf(String plugin) {
        return Path.of(java.net.URI.create((String) manager.execute(plugin, null)));
    }

    /** The copies in a store: each in a folder named after its content (beside them, the store's lock file). */
    private static List<Path> filesUnder(Path store) throws IOException {
        try (var files = Files.walk(store, 2)) {
            return files.filter(Files::isRegularFile).filter(file -> !file.getParent().equals(store)).toList();
        }
    }

    @Test
    void anUnpackedLibraryIsDeletedOnceNoLoadedPluginUsesIt() throws IOException {
        Path one = textlib("1.0");
        manager.load(locator("alpha", one));
        manager.load(locator("beta", one)); // the same bytes: one copy for both
        Path copy = copyOf("alpha");
        Path store = copy.getParent().getParent();
        assertThat(copyOf("beta")).isEqualTo(copy);

        manager.unload("alpha");
        assertThat(copy).as("still used by beta").exists();
        assertThatThrownBy(() -> manager.load(locator("beta", textlib("2.0"))))
                .isInstanceOf(DuplicatePluginException.class);
        assertThat(filesUnder(store)).as("what a refused jar unpacked is gone; beta's copy stays")
                .containsExactly(copy);

        manager.unload("beta");
        assertThat(filesUnder(store)).as("no loaded plugin uses a library").isEmpty();

        manager.load(locator("gamma", textlib("3.0")));
        assertThat(manager.execute("gamma", null)).asString().endsWith("textlib-3.0.jar");
        manager.reload("gamma"); // read again from the cache: its copy must still be there
        assertThat(copyOf("gamma")).exists();
    }

    /**
     * Many distributions have systemd-tmpfiles delete what in /tmp was not touched for ten days: a host
     * up longer must still reload a plugin whose unpacked library went, and load another.
     */
    @Test
    void pluginsWithLibrariesLoadAfterACleanerDeletedTheUnpackedCopies() throws IOException {
        manager.load(locator("alpha", textlib("1.0")));
        PluginJarBuilder.deleteRecursively(copyOf("alpha").getParent().getParent());

        manager.reload("alpha");
        manager.load(locator("beta", textlib("2.0")));

        assertThat(copyOf("alpha")).as("unpacked again").exists();
        assertThat(copyOf("beta")).exists();
    }

    /** In WildFly the host gives the server's temporary directory, which no cleaner of /tmp reaches. */
    @Test
    void librariesAreUnpackedUnderTheWorkDirectoryTheEngineIsGiven() throws IOException {
        Path work = dir.resolve("server-tmp");
        try (ModuleLayerPluginManager engine = new ModuleLayerPluginManager(HostServices.NONE,
                EngineLimits.defaults(), work)) {
            engine.load(locator("alpha", textlib("1.0")));
            assertThat(Path.of(java.net.URI.create((String) engine.execute("alpha", null)))).startsWith(work);
        }
        try (var left = Files.list(work)) {
            assertThat(left).as("what the engine left in its work directory").isEmpty();
        }
    }

    /** A full disk or a directory the server cannot write is the host's fault, not the jar's, and says where. */
    @Test
    void aWorkDirectoryTheEngineCannotWriteFailsTheLoadAsTheHostsFault() throws IOException {
        Path notADirectory = Files.writeString(dir.resolve("tmp"), "a file where the directory should be");
        try (ModuleLayerPluginManager engine = new ModuleLayerPluginManager(HostServices.NONE,
                EngineLimits.defaults(), notADirectory)) {
            Path jar = userOf("alpha", textlib("1.0"));

            assertThatThrownBy(() -> engine.load(jar))
                    .isExactlyInstanceOf(io.pluginhost.api.exception.PluginException.class)
                    .hasMessageContaining("cannot unpack library lib/textlib-1.0.jar")
                    .hasMessageContaining("under " + notADirectory)
                    .hasMessageContaining("the jar is not at fault");
            assertThat(engine.list()).isEmpty();
            assertThat(engine.inspect(jar).name()).as("the jar itself reads").isEqualTo("alpha");
        }
    }

    /**
     * Inspecting a jar (the admin API lists every jar of the plugin directory with it) reads its descriptor
     * only: unpacking up to 256 MiB of libraries, for a listing, to delete them again, is for its load.
     */
    @Test
    void inspectingAJarUnpacksNoneOfItsLibraries() throws IOException {
        Path jar = userOf("alpha", textlib("1.0"));
        java.util.Set<Path> before = libraryStores();

        assertThat(manager.inspect(jar).name()).isEqualTo("alpha");

        assertThat(libraryStores()).as("library directories").isEqualTo(before);
        manager.load(jar);
        assertThat(manager.execute("alpha", null)).as("its load unpacks them").isEqualTo("1.0");
    }

    /** The engines' library directories in the temporary directory. */
    private static java.util.Set<Path> libraryStores() throws IOException {
        try (var files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return files.filter(p -> p.getFileName().toString().startsWith("pluginhost-libs-"))
                    .collect(java.util.stream.Collectors.toSet());
        }
    }

    @Test
    void neitherTheHostNorAnotherPluginNorADependentSeesALibrary() throws IOException {
        Path library = textlib("1.0");
        manager.load(userOf("alpha", library));
        manager.load(prober("stranger").build(dir));
        manager.load(prober("dependent").dependsOn("alpha").build(dir));

        assertThatThrownBy(() -> Class.forName("textlib.Text")).isInstanceOf(ClassNotFoundException.class);
        assertThat(manager.execute("stranger", null)).isEqualTo("hidden");
        assertThat(manager.execute("dependent", null)).isEqualTo("hidden");

        Path sneaky = PluginJarBuilder.plugin("sneaky").dependsOn("alpha").requiresModule("textlib", library).build(dir);
        assertThatThrownBy(() -> manager.load(sneaky))
                .isInstanceOf(InvalidPluginException.class)
                .hasMessageContaining("requires textlib");
    }

    @Test
    void aDependencyThatExportsItsLibraryOnPurposeSharesItWithItsDependents() throws IOException {
        Path library = textlib("3.1");
        Path sharing = PluginJarBuilder.plugin("sharing").library(library).moduleInfo("""
                module test.sharing {
                    requires io.pluginhost.api;
                    requires transitive textlib;
                    provides io.pluginhost.api.Plugin with test.sharing.TestPlugin;
                }""").build(dir);
        manager.load(sharing);
        Path user = PluginJarBuilder.plugin("user").dependsOnJar("sharing", sharing).compileAgainst(library)
                .body("public Object execute(Object in) { try { return textlib.Text.version(); }"
                        + " catch (java.io.IOException e) { throw new java.io.UncheckedIOException(e); } }")
                .build(dir);

        manager.load(user);

        assertThat(manager.execute("user", null)).isEqualTo("3.1");
    }

    @Test
    void aLibraryThatIsNotAJarIsRefusedNamingIt() throws IOException {
        Path broken = dir.resolve("broken-1.0.jar");
        Files.writeString(broken, "not a zip");
        byte[] library = Files.readAllBytes(broken);
        Path jar = PluginJarBuilder.withEntryChanged(PluginJarBuilder.plugin("carrier").build(dir),
                "lib/broken-1.0.jar", none -> library);

        assertThatThrownBy(() -> manager.load(jar))
                .isInstanceOf(InvalidPluginException.class)
                .hasMessageContaining("library lib/broken-1.0.jar");
        assertThat(manager.list()).isEmpty();
    }

    @Test
    void aLibraryWithAPackageOfThePluginIsRefused() throws IOException {
        Path clash = PluginJarBuilder.libraryJar(dir, "clash-1.0.jar", Map.of("test/carrier/Clash.java",
                "package test.carrier; public class Clash {}"));
        byte[] library = Files.readAllBytes(clash);
        Path jar = PluginJarBuilder.withEntryChanged(PluginJarBuilder.plugin("carrier").build(dir),
                "lib/clash-1.0.jar", none -> library);

        assertThatThrownBy(() -> manager.load(jar))
                .isInstanceOf(InvalidPluginException.class)
                .hasMessageContaining("has package test.carrier, which the plugin module test.carrier has too");
    }
}
