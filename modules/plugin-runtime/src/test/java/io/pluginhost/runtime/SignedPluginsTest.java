package io.pluginhost.runtime;

import io.pluginhost.api.exception.InvalidPluginException;
import io.pluginhost.runtime.testing.PluginJarBuilder;
import jdk.security.jarsigner.JarSigner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.util.Collections;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A signed plugin jar is held to its signature, as the JDK's own module path and a URL class loader
 * hold it: one that was changed after it was signed is refused when it loads, whichever entry changed.
 */
class SignedPluginsTest {

    private static final String HELPER = "test/signed/Helper.class";
    private static KeyStore.PrivateKeyEntry signingKey;

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
        Path jar = rewrite(signed(), entry, bytes -> {
            byte[] changed = bytes.clone();
            int at = indexOf(changed, "hello".getBytes(StandardCharsets.US_ASCII));
            changed[at >= 0 ? at : changed.length - 1] ^= 0x20; // "hello" becomes "Hello"
            return changed;
        }, null);

        assertThatThrownBy(() -> manager.load(jar)).isInstanceOf(InvalidPluginException.class)
                .hasMessageContaining("entry " + entry + " does not match its signature");
        assertThat(manager.list()).isEmpty();
        manager.load(signed()); // the failure left nothing behind that refuses the good jar
        assertThat(manager.execute("signed", null)).isEqualTo("helped hello");
    }

    @Test
    void aClassAddedToASignedPluginAfterSigningIsRefused() throws Exception {
        Path jar = rewrite(signed(), "-", bytes -> bytes, "test/signed/Added.class");

        assertThatThrownBy(() -> manager.load(jar)).isInstanceOf(InvalidPluginException.class)
                .hasMessageContaining("entry test/signed/Added.class is not signed");
        assertThat(manager.list()).isEmpty();
    }

    private Path signed() throws Exception {
        Path work = Files.createTempDirectory(dir, "signed");
        Path jar = PluginJarBuilder.plugin("signed")
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
                        """).build(work);
        Path signedJar = work.resolve("signed.jar");
        try (ZipFile unsigned = new ZipFile(jar.toFile()); OutputStream out = Files.newOutputStream(signedJar)) {
            new JarSigner.Builder(signingKey()).build().sign(unsigned, out);
        }
        return signedJar;
    }

    /**
     * @param changed the entry to pass through {@code change}
     * @param added   an entry to add, holding a copy of the provider's class file, or {@code null}
     * @return a copy of the jar with that done, CRC-32s and sizes right
     */
    private Path rewrite(Path jar, String changed, UnaryOperator<byte[]> change, String added) throws IOException {
        Path copy = Files.createTempFile(dir, "changed", ".jar");
        try (ZipFile in = new ZipFile(jar.toFile()); ZipOutputStream out = new ZipOutputStream(
                Files.newOutputStream(copy))) {
            for (ZipEntry entry : Collections.list(in.entries())) {
                byte[] bytes = in.getInputStream(entry).readAllBytes();
                out.putNextEntry(new ZipEntry(entry.getName()));
                out.write(entry.getName().equals(changed) ? change.apply(bytes) : bytes);
                out.closeEntry();
            }
            if (added != null) {
                out.putNextEntry(new ZipEntry(added));
                out.write(in.getInputStream(in.getEntry(HELPER)).readAllBytes());
                out.closeEntry();
            }
        }
        Path target = dir.resolve("plugin-" + System.nanoTime() + ".jar");
        return Files.move(copy, target, StandardCopyOption.ATOMIC_MOVE);
    }

    private static int indexOf(byte[] bytes, byte[] part) {
        outer:
        for (int i = 0; i + part.length <= bytes.length; i++) {
            for (int j = 0; j < part.length; j++) {
                if (bytes[i + j] != part[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** A self-signed key made once per test JVM with the JDK's {@code keytool}, as a vendor would sign with. */
    private static synchronized KeyStore.PrivateKeyEntry signingKey() throws Exception {
        if (signingKey == null) {
            Path store = Files.createTempDirectory("pluginhost-signing").resolve("vendor.p12");
            char[] password = "vendor-secret".toCharArray();
            Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                    "-genkeypair", "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass",
                    new String(password), "-alias", "vendor", "-dname", "CN=Plugin Vendor", "-keyalg", "EC",
                    "-validity", "3650").redirectErrorStream(true).start();
            String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(keytool.exitValue()).as(output).isZero();
            KeyStore keys = KeyStore.getInstance(store.toFile(), password);
            signingKey = (KeyStore.PrivateKeyEntry) keys.getEntry("vendor", new KeyStore.PasswordProtection(password));
        }
        return signingKey;
    }
}
