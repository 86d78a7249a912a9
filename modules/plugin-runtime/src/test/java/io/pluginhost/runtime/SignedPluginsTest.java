package io.pluginhost.runtime;

import io.pluginhost.api.exception.InvalidPluginException;
import io.pluginhost.runtime.testing.PluginJarBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipFile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A signed plugin jar is held to its signature, as the JDK's own module path and a URL class loader
 * hold it: one that was changed after it was signed is refused when it loads, whichever entry changed.
 */
class SignedPluginsTest {

    private static final String HELPER = "test/signed/Helper.class";

    @TempDir
    Path dir;

    private final ModuleLayerPluginManager manager = new ModuleLayerPluginManager();

    @AfterEach
    void stop() {
        manager.close();
    }

    @Test
    void aSignedPluginLoadsRunsAndUnloads() throws Exception {
        manager.load(signed());

        assertThat(manager.execute("signed", null)).isEqualTo("helped hello");
        manager.unload("signed");
        assertThat(manager.list()).isEmpty();
    }

    /** Each entry is changed in place with a valid CRC-32, so only the signature can tell. */
    @ParameterizedTest
    @ValueSource(strings = {"module-info.class", "test/signed/TestPlugin.class", HELPER, "greeting.txt"})
    void aSignedPluginWithAnEntryChangedAfterSigningIsRefused(String entry) throws Exception {
        Path jar = PluginJarBuilder.withEntryChanged(signed(), entry, bytes -> {
            byte[] changed = bytes.clone();
            int at = new String(changed, StandardCharsets.ISO_8859_1).indexOf("hello");
            changed[at >= 0 ? at : changed.length - 1] ^= 0x20; // "hello" becomes "Hello"
            return changed;
        });

        assertThatThrownBy(() -> manager.load(jar)).isInstanceOf(InvalidPluginException.class)
                .hasMessageContaining("entry " + entry + " does not match its signature");
        assertThat(manager.list()).isEmpty();
        manager.load(signed()); // the failure left nothing behind that refuses the good jar
        assertThat(manager.execute("signed", null)).isEqualTo("helped hello");
    }

    @Test
    void aClassAddedToASignedPluginAfterSigningIsRefused() throws Exception {
        Path signed = signed();
        byte[] helper;
        try (ZipFile zip = new ZipFile(signed.toFile())) {
            helper = zip.getInputStream(zip.getEntry(HELPER)).readAllBytes();
        }
        Path jar = PluginJarBuilder.withEntryChanged(signed, "test/signed/Added.class", none -> helper);

        assertThatThrownBy(() -> manager.load(jar)).isInstanceOf(InvalidPluginException.class)
                .hasMessageContaining("entry test/signed/Added.class is not signed");
        assertThat(manager.list()).isEmpty();
    }

    private Path signed() throws Exception {
        return PluginJarBuilder.signed(PluginJarBuilder.plugin("signed")
                .resource("greeting.txt", "hello")
                .source("test/signed/Helper.java", """
                        package test.signed;
                        final class Helper { static String help() { return "helped hello"; } }
                        """)
                .body("""
                        public Object execute(Object in) throws Exception {
                            try (java.io.InputStream greeting = getClass().getResourceAsStream("/greeting.txt")) {
                                return Helper.help().replace("hello", new String(greeting.readAllBytes()));
                            }
                        }
                        """).build(Files.createTempDirectory(dir, "signed")));
    }
}
