package io.pluginhost.runtime.testing;

import io.pluginhost.api.Plugin;

import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Compiles and packages a real plugin module jar in a temporary folder, for tests that need a
 * plugin the examples do not provide (a cycle, a throwing initialize, a second version).
 *
 * <p>By default it generates module {@code test.<name>} with one provider class
 * {@code test.<name>.TestPlugin} carrying {@code @PluginMetadata} built from the builder's fields,
 * whose class body is {@link #body}. Everything can be replaced: the module-info, the provider, or
 * any source file.
 */
public final class PluginJarBuilder {

    private final String name;
    private String version = "1.0.0";
    private final List<String> dependencies = new ArrayList<>();
    private final List<Path> dependencyJars = new ArrayList<>();
    private final List<String> requiredModules = new ArrayList<>();
    private final List<String> tables = new ArrayList<>();
    private final List<String> topics = new ArrayList<>();
    private final List<String> buckets = new ArrayList<>();
    private final List<String> exports = new ArrayList<>();
    private final List<String> provided = new ArrayList<>();
    private final Map<String, String> extraSources = new LinkedHashMap<>();
    private final Map<String, String> resources = new LinkedHashMap<>();
    private final List<Path> libraries = new ArrayList<>();
    private String body = "";
    private Path api;
    private String moduleInfo;
    private boolean metadata = true;

    private PluginJarBuilder(String name) {
        this.name = name;
    }

    /**
     * @param name the plugin name in {@code @PluginMetadata}
     * @return a builder for a plugin of that name
     */
    public static PluginJarBuilder plugin(String name) {
        return new PluginJarBuilder(name);
    }

    /** @param name a plugin name @return its generated module name */
    public static String moduleOf(String name) {
        return "test." + name.replaceAll("[^a-z0-9]", "_");
    }

    /** @return this plugin's generated module (and package) name */
    public String module() {
        return moduleOf(name);
    }

    public PluginJarBuilder version(String version) {
        this.version = version;
        return this;
    }

    /** Declares a dependency in the metadata only (the module does not require it). */
    public PluginJarBuilder dependsOn(String... names) {
        dependencies.addAll(List.of(names));
        return this;
    }

    /**
     * Declares a dependency built by this fixture and requires its module, so its exported types are
     * usable. The entry may carry a version range and {@code ?} ({@code "base?@^1.0"}); the module of an
     * optional one is required as {@code requires static}.
     */
    public PluginJarBuilder dependsOnJar(String dependency, Path jar) {
        dependencies.add(dependency);
        dependencyJars.add(jar);
        String dependencyName = dependency.replaceAll("[?@].*", "");
        requiredModules.add((dependency.contains("?") ? "static " : "") + moduleOf(dependencyName));
        return this;
    }

    /** Requires a module without declaring the plugin that owns it (to test that this is refused). */
    public PluginJarBuilder requiresModule(String module, Path jar) {
        requiredModules.add(module);
        dependencyJars.add(jar);
        return this;
    }

    /** Requires a module of the JDK (java.logging, java.management, ...). */
    public PluginJarBuilder requiresJdkModule(String module) {
        requiredModules.add(module);
        return this;
    }

    /** Puts a jar on the compile-time module path only (for a hand-written module-info that requires it). */
    public PluginJarBuilder compileAgainst(Path jar) {
        dependencyJars.add(jar);
        return this;
    }

    /** Compiles against another plugin-api jar than the tests run with (one of another version). */
    public PluginJarBuilder compiledAgainstApi(Path apiJar) {
        this.api = apiJar;
        return this;
    }

    /**
     * A copy of the plugin-api jar the tests run with, with another module version, as another release of
     * the API would have it.
     *
     * @param dir     where to put it
     * @param version its module version
     * @return the copy
     */
    public static Path apiOfVersion(Path dir, String version) throws IOException {
        Path copy = dir.resolve("plugin-api-" + version + ".jar");
        Path api = apiLocation();
        if (Files.isDirectory(api)) {
            writeJar(api, copy);
        } else {
            Files.copy(api, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        java.util.spi.ToolProvider jar = java.util.spi.ToolProvider.findFirst("jar").orElseThrow();
        java.io.StringWriter out = new java.io.StringWriter();
        if (jar.run(new java.io.PrintWriter(out), new java.io.PrintWriter(out), "--update", "--file", copy.toString(),
                "--module-version", version) != 0) {
            throw new IllegalStateException("jar --update --module-version " + version + ": " + out);
        }
        return copy;
    }

    public PluginJarBuilder tables(String... names) {
        tables.addAll(List.of(names));
        return this;
    }

    public PluginJarBuilder topics(String... names) {
        topics.addAll(List.of(names));
        return this;
    }

    public PluginJarBuilder buckets(String... names) {
        buckets.addAll(List.of(names));
        return this;
    }

    /** Adds {@code provides <service> with <implementation>;} to the generated module-info: an extension. */
    public PluginJarBuilder provides(String service, String implementation) {
        provided.add("provides " + service + " with " + implementation + ";");
        return this;
    }

    /** Members of the generated provider class (methods, fields, a static initializer). */
    public PluginJarBuilder body(String members) {
        this.body = members;
        return this;
    }

    /** Adds a source file, e.g. {@code source("test/x/api/Api.java", "...")}; use {@link #exports} to export its package. */
    public PluginJarBuilder source(String path, String content) {
        extraSources.put(path, content);
        return this;
    }

    /** Adds a resource file to the jar, e.g. {@code resource("greeting.txt", "hello")}. */
    public PluginJarBuilder resource(String path, String content) {
        resources.put(path, content);
        return this;
    }

    /**
     * Ships a library jar as a private library ({@code lib/<file>} in the plugin jar), compiles against
     * it and requires its module (automatic unless it has a module-info).
     */
    public PluginJarBuilder library(Path jar) {
        libraries.add(jar);
        dependencyJars.add(jar);
        requiredModules.add(java.lang.module.ModuleFinder.of(jar).findAll().iterator().next().descriptor().name());
        return this;
    }

    /**
     * A library jar (automatic module {@code fakedb}) whose driver {@code fakedb.FakeDriver} registers
     * itself with {@code DriverManager} when its class initializes, as real JDBC drivers do.
     *
     * @param directory where to put the jar
     * @return the jar
     */
    public static Path selfRegisteringJdbcDriver(Path directory) {
        return libraryJar(directory, "fakedb-1.0.jar", Map.of("fakedb/FakeDriver.java", """
                package fakedb;
                public final class FakeDriver implements java.sql.Driver {
                    static {
                        try {
                            java.sql.DriverManager.registerDriver(new FakeDriver());
                        } catch (java.sql.SQLException e) {
                            throw new ExceptionInInitializerError(e);
                        }
                    }
                    public java.sql.Connection connect(String url, java.util.Properties info) { return null; }
                    public boolean acceptsURL(String url) { return url.startsWith("jdbc:fakedb:"); }
                    public java.sql.DriverPropertyInfo[] getPropertyInfo(String url, java.util.Properties info) {
                        return new java.sql.DriverPropertyInfo[0];
                    }
                    public int getMajorVersion() { return 1; }
                    public int getMinorVersion() { return 0; }
                    public boolean jdbcCompliant() { return false; }
                    public java.util.logging.Logger getParentLogger() { return null; }
                }"""));
    }

    /**
     * A library jar (automatic module {@code fakeimage}) that offers ImageIO a reader of the format
     * {@code fakeimagefmt} through {@code META-INF/services}, as TwelveMonkeys' readers do: ImageIO finds it
     * at {@code ImageIO.scanForPlugins()} run with the plugin's loader as context loader.
     *
     * @param directory where to put the jar
     * @return the jar
     */
    public static Path imageIoReaderLibrary(Path directory) {
        return libraryJar(directory, "fakeimage-1.0.jar", Map.of("fakeimage/FakeImageReaderSpi.java", """
                package fakeimage;
                public final class FakeImageReaderSpi extends javax.imageio.spi.ImageReaderSpi {
                    public FakeImageReaderSpi() {
                        super("fakeimage", "1", new String[] {"fakeimagefmt"}, new String[] {"fakeimage"}, null,
                                "fakeimage.FakeImageReader", STANDARD_INPUT_TYPE, null, false, null, null, null,
                                null, false, null, null, null, null);
                    }
                    public boolean canDecodeInput(Object source) { return false; }
                    public javax.imageio.ImageReader createReaderInstance(Object extension) { return null; }
                    public String getDescription(java.util.Locale locale) { return "a library's format"; }
                }""", "META-INF/services/javax.imageio.spi.ImageReaderSpi", "fakeimage.FakeImageReaderSpi\n"));
    }

    /**
     * Compiles classes with no module-info into a library jar (an automatic module named after the file).
     *
     * @param directory where to put the jar
     * @param fileName  e.g. {@code textlib-1.0.jar} (automatic module {@code textlib})
     * @param sources   source path to content, e.g. {@code "textlib/Text.java"}; other names are resources
     * @return the jar
     */
    public static Path libraryJar(Path directory, String fileName, Map<String, String> sources) {
        try {
            Path work = Files.createTempDirectory(directory, "build-library");
            Path classes = Files.createDirectories(work.resolve("classes"));
            List<Path> files = new ArrayList<>();
            for (Map.Entry<String, String> source : sources.entrySet()) {
                boolean java = source.getKey().endsWith(".java");
                Path file = (java ? work.resolve("src") : classes).resolve(source.getKey());
                Files.createDirectories(file.getParent());
                Files.writeString(file, source.getValue());
                if (java) {
                    files.add(file);
                }
            }
            JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
            DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
            try (StandardJavaFileManager fm = compiler.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8)) {
                if (!compiler.getTask(null, fm, diagnostics, List.of("--release", "17", "-d", classes.toString()), null,
                        fm.getJavaFileObjectsFromPaths(files)).call()) {
                    throw new IllegalStateException("library " + fileName + " does not compile: "
                            + diagnostics.getDiagnostics());
                }
            }
            Path jar = directory.resolve(fileName);
            writeJar(classes, jar);
            deleteRecursively(work);
            return jar;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public PluginJarBuilder exports(String packageName) {
        exports.add(packageName);
        return this;
    }

    /** Replaces the generated module-info.java. */
    public PluginJarBuilder moduleInfo(String content) {
        this.moduleInfo = content;
        return this;
    }

    /** Leaves {@code @PluginMetadata} off the provider class. */
    public PluginJarBuilder withoutMetadata() {
        this.metadata = false;
        return this;
    }

    /**
     * Compiles and packages the plugin.
     *
     * @param directory where to put the jar
     * @return the jar, named {@code <name>-<version>.jar}
     */
    public Path build(Path directory) {
        try {
            Path work = Files.createTempDirectory(directory, "build-" + name);
            Path src = work.resolve("src");
            Path classes = work.resolve("classes");
            Files.createDirectories(classes);
            Map<String, String> sources = new LinkedHashMap<>();
            String pkg = module();
            sources.put("module-info.java", moduleInfo != null ? moduleInfo : generatedModuleInfo(pkg));
            sources.put(pkg.replace('.', '/') + "/TestPlugin.java", provider(pkg));
            sources.putAll(extraSources);
            List<Path> files = new ArrayList<>();
            for (Map.Entry<String, String> source : sources.entrySet()) {
                Path file = src.resolve(source.getKey());
                Files.createDirectories(file.getParent());
                Files.writeString(file, source.getValue());
                files.add(file);
            }
            compile(files, classes);
            for (Map.Entry<String, String> resource : resources.entrySet()) {
                Path file = classes.resolve(resource.getKey());
                Files.createDirectories(file.getParent());
                Files.writeString(file, resource.getValue());
            }
            for (Path library : libraries) {
                Path lib = Files.createDirectories(classes.resolve("lib"));
                Files.copy(library, lib.resolve(library.getFileName().toString()));
            }
            Path jar = directory.resolve(name + "-" + version + ".jar");
            writeJar(classes, jar);
            deleteRecursively(work);
            return jar;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String generatedModuleInfo(String pkg) {
        StringBuilder m = new StringBuilder("module " + pkg + " {\n    requires io.pluginhost.api;\n");
        requiredModules.forEach(r -> m.append("    requires ").append(r).append(";\n"));
        exports.forEach(e -> m.append("    exports ").append(e).append(";\n"));
        provided.forEach(p -> m.append("    ").append(p).append("\n"));
        m.append("    provides io.pluginhost.api.Plugin with ").append(pkg).append(".TestPlugin;\n}\n");
        return m.toString();
    }

    private String provider(String pkg) {
        String annotation = !metadata ? "" : "@PluginMetadata(name = " + quote(name) + ", version = " + quote(version)
                + ", dependencies = " + array(dependencies) + ", allowedTables = " + array(tables)
                + ", allowedTopics = " + array(topics) + ", allowedBuckets = " + array(buckets) + ")\n";
        return "package " + pkg + ";\n\n"
                + "import io.pluginhost.api.*;\nimport io.pluginhost.api.resource.*;\nimport java.util.*;\n\n"
                + annotation
                + "public class TestPlugin implements Plugin {\n" + body + "\n}\n";
    }

    private static String array(List<String> values) {
        return values.stream().map(PluginJarBuilder::quote).collect(Collectors.joining(", ", "{", "}"));
    }

    private static String quote(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private void compile(List<Path> files, Path classes) throws IOException {
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        List<String> modulePath = new ArrayList<>();
        modulePath.add((api != null ? api : apiLocation()).toString());
        dependencyJars.forEach(j -> modulePath.add(j.toString()));
        List<String> options = List.of("--release", "17", "-d", classes.toString(),
                "--module-path", String.join(java.io.File.pathSeparator, modulePath));
        try (StandardJavaFileManager fm = compiler.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8)) {
            boolean ok = compiler.getTask(null, fm, diagnostics, options, null,
                    fm.getJavaFileObjectsFromPaths(files)).call();
            if (!ok) {
                throw new IllegalStateException("test plugin '" + name + "' does not compile: "
                        + diagnostics.getDiagnostics());
            }
        }
    }

    /** @return the plugin-api jar or classes directory the tests run with */
    public static Path apiLocation() {
        try {
            return Path.of(Plugin.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void writeJar(Path classes, Path jar) throws IOException {
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream zip = new JarOutputStream(out);
             Stream<Path> walk = Files.walk(classes)) {
            for (Path file : walk.filter(Files::isRegularFile).sorted().toList()) {
                zip.putNextEntry(new JarEntry(classes.relativize(file).toString().replace('\\', '/')));
                zip.write(Files.readAllBytes(file));
                zip.closeEntry();
            }
        }
    }

    /** Deletes a file or a directory with everything in it, as {@code rm -r} does. */
    public static void deleteRecursively(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /**
     * A plugin "base" (module {@code test.base}) exporting {@code test.base.api.Version}, which its
     * plugin class implements by answering {@code version}: what dependency tests bind to and reload.
     */
    public static PluginJarBuilder versionedBase(String version) {
        return plugin("base").version(version)
                .source("test/base/api/Version.java", "package test.base.api; public interface Version { String version(); }")
                .moduleInfo("""
                        module test.base {
                            requires io.pluginhost.api;
                            exports test.base.api;
                            provides io.pluginhost.api.Plugin with test.base.TestPlugin;
                        }""")
                .source("test/base/TestPlugin.java", """
                        package test.base;
                        import io.pluginhost.api.*;
                        @PluginMetadata(name = "base", version = "%s")
                        public class TestPlugin implements Plugin, test.base.api.Version {
                            public String version() { return "%s"; }
                        }""".formatted(version, version));
    }

    /** @return the files this process has open (Linux: {@code /proc/self/fd}); empty where there is no such folder */
    public static List<Path> openFiles() throws IOException {
        Path fd = Path.of("/proc/self/fd");
        if (!Files.isDirectory(fd)) {
            return List.of();
        }
        try (Stream<Path> links = Files.list(fd)) {
            return links.map(link -> {
                try {
                    return Files.readSymbolicLink(link);
                } catch (IOException gone) {
                    return link; // closed while listing
                }
            }).toList();
        }
    }

    /** Writes bytes that are not a zip file at all, named like a jar. */
    public static Path corruptJar(Path directory, String fileName) {
        try {
            Path jar = directory.resolve(fileName);
            Files.write(jar, "PK\u0003\u0004 this is not really a zip file".getBytes(StandardCharsets.UTF_8));
            return jar;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Signs a copy of the jar as a vendor would with {@code jarsigner}, with a self-signed key made once
     * per JVM by the JDK's {@code keytool}.
     *
     * @return the signed copy, beside the jar ({@code <name>-signed.jar})
     */
    public static Path signed(Path jar) {
        Path signed = jar.resolveSibling(jar.getFileName().toString().replace(".jar", "") + "-signed.jar");
        try (java.util.zip.ZipFile unsigned = new java.util.zip.ZipFile(jar.toFile());
             OutputStream out = Files.newOutputStream(signed)) {
            new jdk.security.jarsigner.JarSigner.Builder(SigningKey.KEY).build().sign(unsigned, out);
            return signed;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param entry  the entry to change, or to add if the jar has none of that name
     * @param change its new content from its old one ({@code null} where it is added)
     * @return a copy of the jar (beside it, {@code <name>-changed.jar}) with the entry changed and every
     *         CRC-32 and size right, as one who edits a jar after it was signed would leave it
     */
    public static Path withEntryChanged(Path jar, String entry, java.util.function.UnaryOperator<byte[]> change) {
        Path copy = jar.resolveSibling(jar.getFileName().toString().replace(".jar", "") + "-changed.jar");
        try (java.util.zip.ZipFile in = new java.util.zip.ZipFile(jar.toFile());
             java.util.zip.ZipOutputStream out = new java.util.zip.ZipOutputStream(Files.newOutputStream(copy))) {
            boolean found = false;
            for (java.util.zip.ZipEntry each : java.util.Collections.list(in.entries())) {
                byte[] bytes = in.getInputStream(each).readAllBytes();
                found |= each.getName().equals(entry);
                out.putNextEntry(new java.util.zip.ZipEntry(each.getName()));
                out.write(each.getName().equals(entry) ? change.apply(bytes) : bytes);
                out.closeEntry();
            }
            if (!found) {
                out.putNextEntry(new java.util.zip.ZipEntry(entry));
                out.write(change.apply(null));
                out.closeEntry();
            }
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The key {@link #signed} signs with: made on first use, as {@code keytool -genkeypair} makes one. */
    private static final class SigningKey {
        static final java.security.KeyStore.PrivateKeyEntry KEY = make();

        private static java.security.KeyStore.PrivateKeyEntry make() {
            Path directory = null;
            try {
                directory = Files.createTempDirectory("pluginhost-signing");
                Path store = directory.resolve("vendor.p12");
                char[] password = "vendor-secret".toCharArray();
                Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool")
                        .toString(), "-genkeypair", "-keystore", store.toString(), "-storetype", "PKCS12",
                        "-storepass", new String(password), "-alias", "vendor", "-dname", "CN=Plugin Vendor",
                        "-keyalg", "EC", "-validity", "3650").redirectErrorStream(true).start();
                String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!keytool.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) || keytool.exitValue() != 0) {
                    throw new IllegalStateException("keytool did not make a key: " + output);
                }
                return (java.security.KeyStore.PrivateKeyEntry) java.security.KeyStore.getInstance(store.toFile(),
                        password).getEntry("vendor", new java.security.KeyStore.PasswordProtection(password));
            } catch (Exception e) {
                throw new IllegalStateException("cannot make a signing key", e);
            } finally {
                deleteQuietly(directory); // the key is in memory now: leave nothing behind in /tmp
            }
        }

        private static void deleteQuietly(Path directory) {
            try {
                if (directory != null) {
                    deleteRecursively(directory);
                }
            } catch (IOException | UncheckedIOException e) {
                // a leftover keystore in the temporary directory fails no test
            }
        }
    }

    /** Writes a valid jar with a class file but no module-info (an automatic module). */
    public static Path jarWithoutModuleInfo(Path directory, String fileName) {
        try {
            Path jar = directory.resolve(fileName);
            try (JarOutputStream zip = new JarOutputStream(Files.newOutputStream(jar))) {
                zip.putNextEntry(new JarEntry("some/pkg/Thing.class"));
                zip.write(new byte[] {(byte) 0xCA, (byte) 0xFE, (byte) 0xBA, (byte) 0xBE});
                zip.closeEntry();
            }
            return jar;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
