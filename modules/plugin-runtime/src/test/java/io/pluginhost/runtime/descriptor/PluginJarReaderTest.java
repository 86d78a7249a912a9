package io.pluginhost.runtime.descriptor;

import io.pluginhost.api.PluginDescriptor;
import io.pluginhost.api.exception.InvalidNameException;
import io.pluginhost.api.exception.InvalidPluginException;
import io.pluginhost.runtime.testing.ExamplePlugins;
import io.pluginhost.runtime.testing.PluginJarBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PluginJarReaderTest {

    @TempDir
    Path dir;

    private final PluginJarReader reader = new PluginJarReader();

    @Test
    void readsTheMetadataOfAnExamplePlugin() {
        PluginJar jar = reader.read(ExamplePlugins.repository());

        assertThat(jar.descriptor()).isEqualTo(new PluginDescriptor("example-plugin-repository", "1.0.0",
                "Notes with tags in its own tables, topic and bucket", List.of(), List.of("notes", "note_tags"),
                List.of("note-events"), List.of("archive")));
        assertThat(jar.module().name()).isEqualTo("io.pluginhost.example.repository");
        assertThat(jar.providerClass()).isEqualTo("io.pluginhost.example.repository.NotesPlugin");
    }

    @Test
    void readingRunsNoPluginCode() {
        System.clearProperty("reader-test.static-init-ran");
        Path jar = PluginJarBuilder.plugin("eager")
                .body("static { System.setProperty(\"reader-test.static-init-ran\", \"yes\"); }\n"
                        + "public TestPlugin() { System.setProperty(\"reader-test.static-init-ran\", \"yes\"); }")
                .build(dir);

        PluginJar read = reader.read(jar);

        assertThat(read.name()).isEqualTo("eager");
        assertThat(System.getProperty("reader-test.static-init-ran")).isNull();
    }

    @Test
    void aMissingFileIsRefused() {
        assertThatThrownBy(() -> reader.read(dir.resolve("nope.jar")))
                .isInstanceOf(InvalidPluginException.class).hasMessageContaining("does not exist");
    }

    @Test
    void aCorruptZipIsRefused() {
        Path jar = PluginJarBuilder.corruptJar(dir, "broken.jar");

        assertThatThrownBy(() -> reader.read(jar))
                .isInstanceOf(InvalidPluginException.class).hasMessageContaining("not a readable module jar");
    }

    @Test
    void aJarWithoutModuleInfoIsRefused() {
        Path jar = PluginJarBuilder.jarWithoutModuleInfo(dir, "plain.jar");

        assertThatThrownBy(() -> reader.read(jar))
                .isInstanceOf(InvalidPluginException.class).hasMessageContaining("has no module-info.class");
    }

    @Test
    void aModuleThatProvidesNoPluginIsRefused() {
        Path jar = PluginJarBuilder.plugin("silent")
                .moduleInfo("module test.silent { requires io.pluginhost.api; }")
                .build(dir);

        assertThatThrownBy(() -> reader.read(jar))
                .isInstanceOf(InvalidPluginException.class).hasMessageContaining("exactly one class; found []");
    }

    /**
     * A plugin module named like a module of the JDK loaded, in a layer of its own: its frames then read
     * {@code at java.sql/...} in every stack trace and leak report, blaming the JDK. A library named so was
     * already refused; the plugin's own module now is too.
     */
    @ParameterizedTest
    @ValueSource(strings = {"java.sql", "jdk.unsupported"})
    void aPluginModuleNamedLikeAModuleOfTheJdkIsRefused(String module) {
        Path jar = PluginJarBuilder.plugin("impostor").moduleInfo("module " + module
                + " { requires io.pluginhost.api; provides io.pluginhost.api.Plugin with test.impostor.TestPlugin; }")
                .build(dir);

        assertThatThrownBy(() -> reader.read(jar))
                .isInstanceOf(InvalidPluginException.class)
                .hasMessage("module " + module + " in " + jar + " is named like a module the host already has (the"
                        + " JDK's); give the plugin's module a name of its own, e.g. its base package");
    }

    @Test
    void aProviderWithoutMetadataIsRefused() {
        Path jar = PluginJarBuilder.plugin("anonymous").withoutMetadata().build(dir);

        assertThatThrownBy(() -> reader.read(jar))
                .isInstanceOf(InvalidPluginException.class)
                .hasMessageContaining("is not annotated with @io.pluginhost.api.PluginMetadata");
    }

    @Test
    void anInvalidPluginNameIsRefused() {
        Path jar = PluginJarBuilder.plugin("Bad_Name-").build(dir);

        assertThatThrownBy(() -> reader.read(jar))
                .isInstanceOf(InvalidNameException.class).hasMessageContaining("plugin name 'Bad_Name-' is invalid");
    }

    @Test
    void anInvalidDependencyNameIsRefused() {
        Path jar = PluginJarBuilder.plugin("fine").dependsOn("Not Valid").build(dir);

        assertThatThrownBy(() -> reader.read(jar)).isInstanceOf(InvalidNameException.class);
    }

    @Test
    void aResourceListedTwiceIsRefused() {
        Path jar = PluginJarBuilder.plugin("twice").tables("users", "users").build(dir);

        assertThatThrownBy(() -> reader.read(jar))
                .isInstanceOf(InvalidPluginException.class).hasMessageContaining("lists 'users' twice");
    }

    /**
     * The provider's class file is parsed by the engine's own reader before any code runs, so a
     * damaged or crafted one must be refused with a typed error, never crash the reader: every
     * truncation, and 2,000 seeded random byte changes, give a read jar or an InvalidPluginException
     * (or InvalidNameException, when a change lands in a name).
     */
    @Test
    void aDamagedProviderClassFileIsRefusedWithATypedError() throws Exception {
        Path built = PluginJarBuilder.plugin("damaged").dependsOn("other").tables("items").build(dir);
        String entry = PluginJarBuilder.moduleOf("damaged").replace('.', '/') + "/TestPlugin.class";
        byte[] original;
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(built.toFile())) {
            original = zip.getInputStream(zip.getEntry(entry)).readAllBytes();
        }
        java.util.Random random = new java.util.Random(42);
        List<byte[]> variants = new java.util.ArrayList<>();
        for (int length = 0; length < original.length; length++) {
            variants.add(java.util.Arrays.copyOf(original, length));
        }
        for (int i = 0; i < 2_000; i++) {
            byte[] changed = original.clone();
            changed[random.nextInt(changed.length)] = (byte) random.nextInt(256);
            variants.add(changed);
        }
        Path damaged = dir.resolve("damaged.jar");
        for (byte[] variant : variants) {
            replaceEntry(built, damaged, entry, variant);
            try {
                reader.read(damaged);
            } catch (InvalidPluginException | InvalidNameException expected) {
                // a typed refusal
            }
        }
    }

    /**
     * The same for damage anywhere in the jar file, headers included: a jar read in memory, or by the
     * JDK when the in-memory reader does not take it, gives a read jar or a typed refusal, and a jar
     * that is read has the metadata of the original or a refusal (a change the CRC-32 catches; the
     * JDK's {@code JarFile} does not check it, and handed a changed version string on).
     */
    @Test
    void aDamagedJarFileIsRefusedWithATypedError() throws Exception {
        Path built = PluginJarBuilder.plugin("shaken").tables("items").build(dir);
        byte[] original = java.nio.file.Files.readAllBytes(built);
        PluginDescriptor intact = reader.read(built).descriptor();
        java.util.Random random = new java.util.Random(11);
        Path damaged = dir.resolve("shaken-damaged.jar");
        for (int variant = 0; variant < original.length + 1_500; variant++) {
            byte[] bytes;
            if (variant < original.length) {
                bytes = java.util.Arrays.copyOf(original, variant);
            } else {
                bytes = original.clone();
                bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
            }
            java.nio.file.Files.write(damaged, bytes);
            try {
                assertThat(reader.read(damaged).descriptor()).as("variant %d", variant).isEqualTo(intact);
            } catch (InvalidPluginException | InvalidNameException expected) {
                // a typed refusal
            }
            try { // the JDK's way, as for a large or multi-release jar
                assertThat(reader.read(damaged, null).descriptor()).as("variant %d, JarFile", variant)
                        .isEqualTo(intact);
            } catch (InvalidPluginException | InvalidNameException expected) {
                // a typed refusal
            }
        }
    }

    /** A small jar whose module descriptor inflates past 64 MiB is refused on both paths, not read whole. */
    @Test
    void aZipBombIsRefusedWithATypedError() throws Exception {
        Path bomb = dir.resolve("bomb.jar");
        try (java.util.zip.ZipOutputStream out = new java.util.zip.ZipOutputStream(java.nio.file.Files.newOutputStream(bomb))) {
            out.setLevel(9);
            out.putNextEntry(new java.util.zip.ZipEntry("module-info.class"));
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i <= 64; i++) {
                out.write(zeros);
            }
            out.closeEntry();
        }
        assertThat(java.nio.file.Files.size(bomb)).isLessThan(PluginJarReader.MAX_IN_MEMORY);

        assertThatThrownBy(() -> reader.read(bomb)).isInstanceOf(InvalidPluginException.class)
                .hasMessageContaining("larger than");
        assertThatThrownBy(() -> reader.read(bomb, null)).isInstanceOf(InvalidPluginException.class)
                .hasMessageContaining("larger than");
    }

    /**
     * A private library is unpacked to disk: one that inflates past 64 MiB, or libraries that together
     * inflate past {@link PluginJarReader#MAX_LIBRARIES} bytes, are refused on both paths while they
     * are unpacked, and no partial copy stays on disk.
     */
    @Test
    void aLibraryThatInflatesPastItsBoundIsRefusedAndLeavesNoCopy() throws Exception {
        Path plugin = PluginJarBuilder.plugin("bomb-library").build(dir);
        Path one = withLibraries(plugin, dir.resolve("one.jar"), 65);
        int each = 60;
        int count = (int) (PluginJarReader.MAX_LIBRARIES / ((long) each << 20)) + 1;
        Path many = withLibraries(plugin, dir.resolve("many.jar"), java.util.Collections.nCopies(count, each)
                .stream().mapToInt(Integer::intValue).toArray());
        PluginLibraries store = PluginLibraries.inTemporaryDirectory(false);
        PluginJarReader reader = new PluginJarReader(store);
        try {
            for (Path jar : List.of(one, many)) {
                assertThatThrownBy(() -> reader.read(jar)).isInstanceOf(InvalidPluginException.class)
                        .hasMessageContaining("lib/zeros").hasMessageContaining("larger than");
                assertThatThrownBy(() -> reader.read(jar, null)).isInstanceOf(InvalidPluginException.class)
                        .hasMessageContaining("lib/zeros").hasMessageContaining("larger than");
            }
            try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(store.directoryIfMade())) {
                assertThat(files.filter(java.nio.file.Files::isRegularFile)
                        .filter(file -> file.getFileName().toString().startsWith("unpacking-"))).isEmpty();
            }
        } finally {
            store.close();
        }
    }

    /**
     * @return {@code plugin} with a library per size given, in MiB: a jar holding that many zeros,
     *         stored, so that it compresses to almost nothing in the plugin jar
     */
    private static Path withLibraries(Path plugin, Path to, int... mebibytes) throws Exception {
        byte[] zeros = new byte[1 << 20];
        try (java.util.zip.ZipFile in = new java.util.zip.ZipFile(plugin.toFile());
             java.util.zip.ZipOutputStream out = new java.util.zip.ZipOutputStream(java.nio.file.Files.newOutputStream(to))) {
            for (java.util.zip.ZipEntry e : java.util.Collections.list(in.entries())) {
                out.putNextEntry(new java.util.zip.ZipEntry(e.getName()));
                out.write(in.getInputStream(e).readAllBytes());
                out.closeEntry();
            }
            out.setLevel(1);
            for (int i = 0; i < mebibytes.length; i++) {
                java.io.ByteArrayOutputStream library = new java.io.ByteArrayOutputStream();
                try (java.util.zip.ZipOutputStream inner = new java.util.zip.ZipOutputStream(library)) {
                    inner.setLevel(0);
                    inner.putNextEntry(new java.util.zip.ZipEntry("zeros.bin"));
                    for (int m = 0; m < mebibytes[i]; m++) {
                        inner.write(zeros);
                    }
                    inner.closeEntry();
                }
                out.putNextEntry(new java.util.zip.ZipEntry("lib/zeros" + (char) ('a' + i) + ".jar"));
                library.writeTo(out);
                out.closeEntry();
            }
        }
        return to;
    }

    /**
     * A plugin built by a newer JDK than the server runs on (javac 21 without {@code --release 17}) was
     * refused as "not a readable module jar: Unsupported major.minor version 65.0": the JDK's words,
     * which name neither Java version nor the fix.
     */
    @Test
    void aPluginCompiledForANewerJavaThanTheServersIsRefusedNamingBothJavaVersions() throws Exception {
        Path built = PluginJarBuilder.plugin("from-java-next").build(dir);
        int server = Runtime.version().feature();
        String provider = PluginJarBuilder.moduleOf("from-java-next").replace('.', '/') + "/TestPlugin.class";
        for (String entry : List.of("module-info.class", provider)) {
            byte[] classFile;
            try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(built.toFile())) {
                classFile = zip.getInputStream(zip.getEntry(entry)).readAllBytes();
            }
            classFile[6] = 0;
            classFile[7] = (byte) (server + 1 + 44); // the class file version of the next Java
            Path newer = dir.resolve("newer-" + entry.replace('/', '_') + ".jar");
            replaceEntry(built, newer, entry, classFile);

            assertThatThrownBy(() -> reader.read(newer)).as(entry)
                    .isInstanceOf(InvalidPluginException.class)
                    .hasMessageContaining("was compiled for Java " + (server + 1) + " (class file version "
                            + (server + 1 + 44) + "), and this server runs Java " + server + ": build the plugin with"
                            + " --release " + server + " (maven.compiler.release)");
        }
    }

    private static void replaceEntry(Path from, Path to, String name, byte[] content) throws Exception {
        try (java.util.zip.ZipFile in = new java.util.zip.ZipFile(from.toFile());
             java.util.zip.ZipOutputStream out = new java.util.zip.ZipOutputStream(java.nio.file.Files.newOutputStream(to))) {
            for (java.util.zip.ZipEntry e : java.util.Collections.list(in.entries())) {
                out.putNextEntry(new java.util.zip.ZipEntry(e.getName()));
                out.write(e.getName().equals(name) ? content : in.getInputStream(e).readAllBytes());
                out.closeEntry();
            }
        }
    }
}
