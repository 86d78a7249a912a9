package io.pluginhost.runtime.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Makes many distinct plugins from one compiled jar without compiling again: every occurrence of a
 * token (in entry names, class files, module-info and the manifest) is replaced by another string of the same
 * length, so class-file constants keep their length prefix valid. With the token {@code zq0000},
 * copy {@code i} says {@code zq} followed by {@code i} in four digits: plugin {@code scale-zq0000}
 * becomes {@code scale-zq0042}, module {@code scale.zq0000} becomes {@code scale.zq0042}.
 */
public final class JarTemplate {

    /** The token the template plugins carry in their names. */
    public static final String TOKEN = "zq0000";

    private final List<Entry> entries = new ArrayList<>();

    private record Entry(String name, byte[] content) {
    }

    private JarTemplate(Path template) throws IOException {
        try (InputStream file = Files.newInputStream(template); ZipInputStream zip = new ZipInputStream(file)) {
            for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
                entries.add(new Entry(entry.getName(), entry.isDirectory() ? null : zip.readAllBytes()));
            }
        }
    }

    /** @param template a jar whose names carry {@link #TOKEN} */
    public static JarTemplate of(Path template) {
        try {
            return new JarTemplate(template);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the name {@code name} (which carries the token) has in copy {@code index} */
    public static String nameOf(String name, int index) {
        return name.replace(TOKEN, suffix(index));
    }

    /**
     * Writes copy {@code index} as {@code <prefix>-<index>.jar} in {@code directory}.
     *
     * @return the jar
     */
    public Path copy(Path directory, String prefix, int index) {
        return copyAs(directory.resolve(prefix + "-" + suffix(index) + ".jar"), suffix(index));
    }

    /**
     * Writes a copy in which the token reads {@code replacement} (as long as the token), e.g. a
     * plugin {@code scale-shared} that copies of another template name as their dependency.
     *
     * @return {@code jar}
     */
    public Path copyAs(Path jar, String replacement) {
        if (replacement.length() != TOKEN.length()) {
            throw new IllegalArgumentException("'" + replacement + "' is not " + TOKEN.length() + " characters long");
        }
        byte[] from = TOKEN.getBytes(StandardCharsets.US_ASCII);
        byte[] to = replacement.getBytes(StandardCharsets.US_ASCII);
        try (OutputStream file = Files.newOutputStream(jar); ZipOutputStream zip = new ZipOutputStream(file)) {
            for (Entry entry : entries) {
                zip.putNextEntry(new ZipEntry(entry.name().replace(TOKEN, replacement)));
                if (entry.content() != null) {
                    zip.write(replace(entry.content(), from, to));
                }
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return jar;
    }

    /** Writes copies {@code 0 .. count - 1} into {@code directory}. */
    public List<Path> copies(Path directory, String prefix, int count) {
        List<Path> jars = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            jars.add(copy(directory, prefix, i));
        }
        return jars;
    }

    private static String suffix(int index) {
        if (index < 0 || index > 9999) {
            throw new IllegalArgumentException("copy index out of 0..9999: " + index);
        }
        return TOKEN.substring(0, 2) + String.format("%04d", index);
    }

    private static byte[] replace(byte[] content, byte[] from, byte[] to) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length);
        int i = 0;
        while (i < content.length) {
            if (i <= content.length - from.length && matches(content, i, from)) {
                out.write(to, 0, to.length);
                i += from.length;
            } else {
                out.write(content[i++]);
            }
        }
        return out.toByteArray();
    }

    private static boolean matches(byte[] content, int at, byte[] token) {
        for (int j = 0; j < token.length; j++) {
            if (content[at + j] != token[j]) {
                return false;
            }
        }
        return true;
    }
}
