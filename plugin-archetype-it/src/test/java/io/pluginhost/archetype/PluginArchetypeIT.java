package io.pluginhost.archetype;

import io.pluginhost.runtime.ModuleLayerPluginManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the README promises a plugin author: {@code mvn archetype:generate} gives a project that builds
 * offline with a passing test and a jar the host loads.
 */
class PluginArchetypeIT {

    @TempDir
    Path work;

    @Test
    void aGeneratedProjectBuildsOfflinePassesItsTestAndItsJarLoadsIntoTheEngine() throws Exception {
        String version = System.getProperty("pluginhost.version");
        maven(work, "org.apache.maven.plugins:maven-archetype-plugin:3.4.1:generate", "-DarchetypeCatalog=local", "-DarchetypeGroupId=io.pluginhost",
                "-DarchetypeArtifactId=plugin-archetype", "-DarchetypeVersion=" + version,
                "-DgroupId=com.example.hello", "-DartifactId=hello-plugin", "-Dversion=1.0.0",
                "-Dpackage=com.example.hello", "-DinteractiveMode=false");
        Path project = work.resolve("hello-plugin");
        assertThat(Files.readAllLines(project.resolve("pom.xml"))).as("a short POM").hasSizeLessThanOrEqualTo(20);
        assertThat(Files.readString(project.resolve("README.md"))).contains("curl", "-T target/hello-plugin-1.0.0.jar", "api/jars/hello-plugin.jar");

        String build = maven(project, "verify");

        assertThat(build).contains("Tests run: 2, Failures: 0, Errors: 0");
        Path jar = project.resolve("target/hello-plugin-1.0.0.jar");
        try (ModuleLayerPluginManager engine = new ModuleLayerPluginManager()) {
            engine.load(jar);
            assertThat(engine.execute("hello-plugin", "Ada")).isEqualTo("Hello, Ada!");
            engine.setConfig("hello-plugin", java.util.Map.of("greeting", "Hej"));
            assertThat(engine.execute("hello-plugin", "Ada")).isEqualTo("Hej, Ada!");
        }
    }

    /** Runs the Maven that runs this build, offline and in batch mode; fails with its output if it fails. */
    private static String maven(Path directory, String... arguments) throws IOException, InterruptedException {
        Path home = Path.of(System.getProperty("maven.home"));
        boolean windows = System.getProperty("os.name").startsWith("Windows");
        List<String> command = new ArrayList<>(List.of(home.resolve("bin").resolve(windows ? "mvn.cmd" : "mvn").toString(),
                "-o", "-B", "-ntp", "-Dmaven.repo.local=" + System.getProperty("maven.repo.local")));
        command.addAll(List.of(arguments));
        Path log = Files.createTempFile("nested-maven", ".log");
        Process process = new ProcessBuilder(command).directory(directory.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean finished = process.waitFor(5, TimeUnit.MINUTES);
        if (!finished) {
            process.destroyForcibly();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        Files.delete(log);
        assertThat(finished && process.exitValue() == 0).as("%s in %s:%n%s", command, directory, output).isTrue();
        return output;
    }
}
