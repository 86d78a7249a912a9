package io.pluginhost.runtime.descriptor;

import io.pluginhost.api.exception.InvalidPluginException;
import io.pluginhost.runtime.testing.PluginJarBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Arrays;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PluginJarCacheTest {

    @TempDir
    Path dir;

    private final PluginJarCache cache = new PluginJarCache(new PluginJarReader());

    @Test
    void anUnchangedJarIsReadOnce() {
        Path jar = PluginJarBuilder.plugin("steady").build(dir);

        assertThat(cache.read(jar)).isSameAs(cache.read(jar));
    }

    @Test
    void aJarRewrittenInPlaceIsReadAgain() throws Exception {
        Path jar = PluginJarBuilder.plugin("moving").version("1").build(dir);
        PluginJar first = cache.read(jar);
        Path staging = Files.createDirectory(dir.resolve("staging"));
        byte[] second = Files.readAllBytes(PluginJarBuilder.plugin("moving").version("2").build(staging));

        Files.write(jar, second, StandardOpenOption.TRUNCATE_EXISTING); // same inode, new content
        Files.setLastModifiedTime(jar, FileTime.from(Instant.now().plusSeconds(5)));

        assertThat(cache.read(jar)).isNotSameAs(first)
                .satisfies(read -> assertThat(read.descriptor().version()).isEqualTo("2"));
    }

    /** As `cp -p`, `rsync -t` or unpacking an archive do: same inode, same size, same modification time. */
    @Test
    void aJarRewrittenWithTheSameSizeAndTimeIsReadAgain() throws Exception {
        rewrittenWithSameSizeAndTime("sneaky", bytes -> bytes);
    }

    /** A zip comment moves the directory's end record away from the end of the file. */
    @Test
    void aJarWithACommentRewrittenWithTheSameSizeAndTimeIsReadAgain() throws Exception {
        rewrittenWithSameSizeAndTime("remarked", bytes -> withComment(bytes, "built by hand"));
    }

    private void rewrittenWithSameSizeAndTime(String name, UnaryOperator<byte[]> shape) throws Exception {
        Path jar = dir.resolve(name + ".jar");
        Files.write(jar, shape.apply(Files.readAllBytes(PluginJarBuilder.plugin(name).version("1")
                .build(Files.createDirectory(dir.resolve("staging-1"))))));
        PluginJar first = cache.read(jar);
        FileTime modified = Files.getLastModifiedTime(jar);
        byte[] sameSize = null;
        for (char v = '2'; v <= '9' && sameSize == null; v++) {
            Path staging = Files.createDirectory(dir.resolve("staging-" + v));
            byte[] candidate = shape.apply(Files.readAllBytes(PluginJarBuilder.plugin(name)
                    .version(String.valueOf(v)).build(staging)));
            if (candidate.length == Files.size(jar)) {
                sameSize = candidate;
            }
        }
        assertThat(sameSize).as("a rebuilt jar of the same size").isNotNull();

        Files.write(jar, sameSize, StandardOpenOption.TRUNCATE_EXISTING);
        Files.setLastModifiedTime(jar, modified);

        assertThat(cache.read(jar).descriptor().version()).isNotEqualTo(first.descriptor().version());
    }

    /** @return the zip with a comment after its end-of-directory record, as {@code zip -z} writes it */
    private static byte[] withComment(byte[] zip, String comment) {
        byte[] text = comment.getBytes(StandardCharsets.US_ASCII);
        byte[] commented = Arrays.copyOf(zip, zip.length + text.length);
        ByteBuffer.wrap(commented, zip.length - 2, 2).order(ByteOrder.LITTLE_ENDIAN).putShort((short) text.length);
        System.arraycopy(text, 0, commented, zip.length, text.length);
        return commented;
    }

    @Test
    void aMissingJarIsRefused() {
        assertThatThrownBy(() -> cache.read(dir.resolve("gone.jar"))).isInstanceOf(InvalidPluginException.class);
    }
}
