package io.pluginhost.runtime.descriptor;

import io.pluginhost.runtime.testing.ChildJvm;
import io.pluginhost.runtime.testing.PluginJarBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where private libraries are unpacked: made on first need, deleted at close, made again if something
 * else deleted it, and what a host that died left is deleted by the next one.
 */
class PluginLibrariesTest {

    @TempDir
    Path dir;

    @Test
    void noDirectoryIsMadeUntilALibraryIsStored() {
        PluginLibraries libraries = PluginLibraries.inTemporaryDirectory(false);
        assertThat(libraries.directoryIfMade()).isNull();
        libraries.close();
        assertThat(libraries.directoryIfMade()).isNull();
    }

    @Test
    void closeDeletesTheDirectoryWithEveryCopy() throws IOException {
        Path jar = PluginJarBuilder.libraryJar(dir, "textlib-1.0.jar", Map.of(
                "textlib/Text.java", "package textlib; public final class Text {}"));
        PluginLibraries libraries = PluginLibraries.inTemporaryDirectory(false);
        PluginLibraries.Library library;
        try (InputStream in = Files.newInputStream(jar)) {
            library = libraries.store(dir.resolve("plugin.jar"), "lib/textlib-1.0.jar", in, Long.MAX_VALUE);
        }
        Path directory = libraries.directoryIfMade();
        assertThat(library.file()).startsWith(directory).exists();
        assertThat(library.module().name()).isEqualTo("textlib");

        libraries.close();

        assertThat(directory).doesNotExist();
    }

    private Path textlib() {
        return PluginJarBuilder.libraryJar(dir, "textlib-1.0.jar", Map.of(
                "textlib/Text.java", "package textlib; public final class Text {}"));
    }

    private static PluginLibraries.Library store(PluginLibraries libraries, Path library) throws IOException {
        try (InputStream in = Files.newInputStream(library)) {
            return libraries.store(library.resolveSibling("plugin.jar"), "lib/" + library.getFileName(), in,
                    Long.MAX_VALUE);
        }
    }

    /** The stores' directories under {@code parent}. */
    private static List<Path> stores(Path parent) throws IOException {
        try (var files = Files.list(parent)) {
            return files.filter(p -> p.getFileName().toString().startsWith("pluginhost-libs-")).sorted().toList();
        }
    }

    @Test
    void theStoreIsMadeUnderTheDirectoryItIsGiven() throws IOException {
        Path work = dir.resolve("server/tmp");
        try (PluginLibraries libraries = PluginLibraries.in(work, false)) {
            assertThat(store(libraries, textlib()).file()).startsWith(work);
        }
        assertThat(stores(work)).as("deleted at close").isEmpty();
    }

    /**
     * Many distributions have systemd-tmpfiles delete what in /tmp was not touched for ten days: a host
     * that ran longer must still unpack libraries.
     */
    @Test
    void aStoreWhoseDirectoryWasDeletedMakesItAgain() throws IOException {
        Path work = dir.resolve("tmp");
        Path library = textlib(); // built once: each build stamps its entries with the time
        try (PluginLibraries libraries = PluginLibraries.in(work, false)) {
            Path first = store(libraries, library).file();
            PluginJarBuilder.deleteRecursively(work);

            Path again = store(libraries, library).file();

            assertThat(again).exists().hasSameBinaryContentAs(library);
            assertThat(first).doesNotExist();
        }
    }

    /** Stores a library under the directory given and halts, as a JVM killed with SIGKILL ends: no close, no hook. */
    static final class Halts {
        public static void main(String[] args) throws IOException {
            PluginLibraries libraries = PluginLibraries.in(Path.of(args[0]), true);
            System.out.println("stored " + store(libraries, Path.of(args[1])).file());
            System.out.flush();
            Runtime.getRuntime().halt(0);
        }
    }

    /** Stores a library under the directory given, says so, and runs until it is killed. */
    static final class Runs {
        public static void main(String[] args) throws IOException {
            PluginLibraries libraries = PluginLibraries.in(Path.of(args[0]), true);
            System.out.println("stored " + store(libraries, Path.of(args[1])).file());
            System.out.flush();
            System.in.read(); // the test never writes
        }
    }

    /** Says whether another process holds a lock on the file given. */
    static final class LockProbe {
        public static void main(String[] args) throws IOException {
            try (var file = FileChannel.open(Path.of(args[0]), StandardOpenOption.WRITE); var lock = file.tryLock()) {
                System.out.println(lock == null ? "held" : "free");
            }
        }
    }

    @Test
    void whatAHostThatDiedLeftIsDeletedByTheNextStoreMadeThere() throws Exception {
        Path work = Files.createDirectories(dir.resolve("tmp"));
        Path library = textlib();
        String printed = ChildJvm.run(dir.resolve("halts.log"), 60, List.of(), Halts.class, work.toString(),
                library.toString());
        assertThat(printed).contains("stored ");
        assertThat(stores(work)).as("left by the JVM that halted").hasSize(1);

        try (PluginLibraries libraries = PluginLibraries.in(work, false)) {
            Path mine = store(libraries, library).file();
            assertThat(stores(work)).as("only the new store's").singleElement()
                    .satisfies(store -> assertThat(mine).startsWith(store));
        }
    }

    /**
     * The stores of live hosts are kept: another process's, and one of this JVM's even once another
     * store of this JVM looked at it (on Linux, a process that closes any handle on a locked file drops
     * its lock on it, whichever handle took it).
     */
    @Test
    void theStoresOfLiveHostsAreKept() throws Exception {
        Path work = Files.createDirectories(dir.resolve("tmp"));
        Path library = textlib();
        Process other = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Runs.class.getName(), work.toString(),
                library.toString()).redirectErrorStream(true).start();
        try (PluginLibraries first = PluginLibraries.in(work, false)) {
            BufferedReader said = new BufferedReader(new InputStreamReader(other.getInputStream(),
                    StandardCharsets.UTF_8));
            assertThat(said.readLine()).as("the other host stored its library").startsWith("stored ");
            Path others = stores(work).get(0);
            Path firstCopy = store(first, library).file();
            assertThat(stores(work)).as("the other host's store and this one's").hasSize(2);

            try (PluginLibraries second = PluginLibraries.in(work, false)) {
                store(second, library);
                assertThat(stores(work)).as("the other host's, the first and the second").hasSize(3);
            }
            assertThat(ChildJvm.run(dir.resolve("probe.log"), 60, List.of(), LockProbe.class,
                    firstCopy.getParent().getParent().resolve("owner.lock").toString()))
                    .as("the first store's lock, seen from another process").contains("held");
            ChildJvm.run(dir.resolve("halts.log"), 60, List.of(), Halts.class, work.toString(), library.toString());
            assertThat(stores(work)).as("the other host's, the first, and the one that halted").hasSize(3)
                    .contains(others);
            assertThat(firstCopy).exists();

            other.destroyForcibly();
            assertThat(other.waitFor(60, TimeUnit.SECONDS)).isTrue();
            try (PluginLibraries third = PluginLibraries.in(work, false)) {
                store(third, library);
                assertThat(stores(work)).as("the first and the third: the killed host's and the halted one's went")
                        .hasSize(2).doesNotContain(others);
            }
            assertThat(firstCopy).exists();
        } finally {
            other.destroyForcibly();
        }
    }
}
