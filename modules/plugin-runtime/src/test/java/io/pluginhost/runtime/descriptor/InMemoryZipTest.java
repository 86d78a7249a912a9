package io.pluginhost.runtime.descriptor;

import io.pluginhost.runtime.testing.ExamplePlugins;
import io.pluginhost.runtime.testing.PluginJarBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The in-memory reader must see exactly what the JDK's {@link ZipFile} sees of a plain jar, and of
 * anything else say {@link InMemoryZip.Unusual} (so the engine reads it the JDK's way), never return
 * other bytes or fail in another way: damaged data is {@link InMemoryZip.Damaged}.
 */
class InMemoryZipTest {

    @TempDir
    Path dir;

    @Test
    void readsWhatTheJdkReadsOfPluginJars() throws Exception {
        Path library = PluginJarBuilder.libraryJar(dir, "textlib.jar", Map.of("textlib/Text.java",
                "package textlib; public class Text { public static String hi() { return \"hi\"; } }"));
        List<Path> jars = List.of(ExamplePlugins.one(), ExamplePlugins.two(), ExamplePlugins.repository(),
                PluginJarBuilder.plugin("with-lib").library(library).build(dir), library);
        for (Path jar : jars) {
            assertSameAsJdk(Files.readAllBytes(jar));
        }
    }

    @Test
    void readsStoredEntriesAndAZipWithAComment() throws Exception {
        byte[] zip = zip(out -> {
            out.setComment("made by hand");
            ZipEntry stored = new ZipEntry("pkg/Stored.txt");
            byte[] text = "kept as it is".getBytes(StandardCharsets.UTF_8);
            stored.setMethod(ZipEntry.STORED);
            stored.setSize(text.length);
            CRC32 crc = new CRC32();
            crc.update(text);
            stored.setCrc(crc.getValue());
            out.putNextEntry(stored);
            out.write(text);
            out.putNextEntry(new ZipEntry("pkg/"));
            out.putNextEntry(new ZipEntry("pkg/Deflated.txt"));
            out.write("squeezed ".repeat(100).getBytes(StandardCharsets.UTF_8));
            out.putNextEntry(new ZipEntry("pkg/Empty.txt"));
        });

        assertSameAsJdk(zip);
        assertThat(InMemoryZip.parse(zip).names()).containsExactly("pkg/Stored.txt", "pkg/Deflated.txt", "pkg/Empty.txt");
        assertThat(InMemoryZip.parse(zip).read("pkg/Missing.txt")).isNull();
    }

    @Test
    void leavesEveryOtherShapeToTheJdk() throws Exception {
        byte[] plain = zip(out -> {
            out.putNextEntry(new ZipEntry("a/One.class"));
            out.write(1);
            out.putNextEntry(new ZipEntry("a/Two.class"));
            out.write(2);
        });
        byte[] prefixed = new byte[plain.length + 16]; // as a self-extracting archive is
        System.arraycopy(plain, 0, prefixed, 16, plain.length);
        byte[] multiRelease = zip(out -> {
            out.putNextEntry(new ZipEntry("META-INF/versions/17/a/One.class"));
            out.write(1);
        });
        byte[] encrypted = plain.clone();
        int directory = directoryStart(encrypted);
        encrypted[directory + 8] |= 1;
        byte[] twice = plain.clone(); // the second entry renamed to the first one's name
        int secondName = nextHeader(twice, directory) + 46;
        twice[secondName + 2] = 'O';
        twice[secondName + 3] = 'n';
        twice[secondName + 4] = 'e';

        for (byte[] unusual : List.of(new byte[0], "not a zip at all, just text".getBytes(StandardCharsets.UTF_8),
                prefixed, multiRelease, encrypted, twice)) {
            assertThatThrownBy(() -> InMemoryZip.parse(unusual)).isInstanceOf(InMemoryZip.Unusual.class);
        }
        assertThat(InMemoryZip.parse(plain).names()).containsExactly("a/One.class", "a/Two.class");
    }

    /**
     * Every truncation and 3,000 seeded random byte changes of a plugin jar: each entry reads as its
     * original bytes, as absent (a changed name), or as {@code Damaged}; a jar that does not parse is
     * {@code Unusual}; nothing else is thrown.
     */
    @Test
    void aDamagedJarGivesTheOriginalBytesOrUnusual() throws Exception {
        byte[] original = Files.readAllBytes(PluginJarBuilder.plugin("damaged").tables("items").build(dir));
        Map<String, byte[]> entries = new HashMap<>();
        InMemoryZip intact = InMemoryZip.parse(original);
        for (String name : intact.names()) {
            entries.put(name, intact.read(name));
        }
        Random random = new Random(7);
        for (int variant = 0; variant < original.length + 3_000; variant++) {
            byte[] damaged;
            if (variant < original.length) {
                damaged = Arrays.copyOf(original, variant);
            } else {
                damaged = original.clone();
                damaged[random.nextInt(damaged.length)] = (byte) random.nextInt(256);
            }
            InMemoryZip zip;
            try {
                zip = InMemoryZip.parse(damaged);
            } catch (InMemoryZip.Unusual expected) {
                continue;
            }
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                try {
                    byte[] read = zip.read(entry.getKey());
                    if (read != null) {
                        assertThat(read).as("entry %s of variant %d", entry.getKey(), variant)
                                .isEqualTo(entry.getValue());
                    }
                } catch (InMemoryZip.Damaged expected) {
                    // damaged data, refused
                }
            }
        }
    }

    private static void assertSameAsJdk(byte[] bytes) throws Exception {
        Path file = Files.createTempFile("in-memory-zip", ".jar");
        try {
            Files.write(file, bytes);
            InMemoryZip zip = InMemoryZip.parse(bytes);
            try (ZipFile jdk = new ZipFile(file.toFile())) {
                List<String> names = jdk.stream().filter(e -> !e.isDirectory()).map(ZipEntry::getName).toList();
                assertThat(zip.names()).containsExactlyInAnyOrderElementsOf(names);
                for (String name : names) {
                    assertThat(zip.read(name)).as(name).isEqualTo(jdk.getInputStream(jdk.getEntry(name)).readAllBytes());
                }
            }
        } finally {
            Files.delete(file);
        }
    }

    private interface Writer {
        void write(ZipOutputStream out) throws Exception;
    }

    private static byte[] zip(Writer writer) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(bytes)) {
            writer.write(out);
        }
        return bytes.toByteArray();
    }

    private static int directoryStart(byte[] zip) {
        return ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN).getInt(zip.length - 22 + 16);
    }

    private static int nextHeader(byte[] zip, int header) {
        ByteBuffer b = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
        return header + 46 + Short.toUnsignedInt(b.getShort(header + 28)) + Short.toUnsignedInt(b.getShort(header + 30))
                + Short.toUnsignedInt(b.getShort(header + 32));
    }
}
