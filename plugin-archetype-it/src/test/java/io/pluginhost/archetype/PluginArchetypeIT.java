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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

    /**
     * The README's next step for a plugin author: the generated plugin declares a table, a topic and a
     * bucket, and its test starts PostgreSQL, Kafka and S3 with the dev services, added as the README
     * says (no versions: the parent manages them). The build must put one AWS SDK version on the test's
     * class path, the host's: s3proxy alone pulled two of its modules in an older version, beside
     * {@code resource-s3}'s.
     */
    @Test
    void aGeneratedPluginThatStoresInADatabaseKafkaAndS3IsTestedAgainstTheDevServices() throws Exception {
        String version = System.getProperty("pluginhost.version");
        maven(work, "org.apache.maven.plugins:maven-archetype-plugin:3.4.1:generate", "-DarchetypeCatalog=local",
                "-DarchetypeGroupId=io.pluginhost", "-DarchetypeArtifactId=plugin-archetype",
                "-DarchetypeVersion=" + version, "-DgroupId=com.example.notes", "-DartifactId=notes",
                "-Dversion=1.0.0", "-Dpackage=com.example.notes", "-DinteractiveMode=false");
        Path project = work.resolve("notes");
        Path pom = project.resolve("pom.xml");
        Files.writeString(pom, Files.readString(pom).replace("  </dependencies>", """
                    <dependency><groupId>io.pluginhost</groupId><artifactId>dev-services</artifactId></dependency>
                    <dependency><groupId>io.pluginhost</groupId><artifactId>resource-kafka</artifactId></dependency>
                    <dependency><groupId>io.pluginhost</groupId><artifactId>resource-s3</artifactId></dependency>
                  </dependencies>"""));
        Path moduleInfo = project.resolve("src/main/java/module-info.java");
        Files.writeString(moduleInfo, Files.readString(moduleInfo).replace("GreeterPlugin", "NotesPlugin"));
        Path sources = project.resolve("src/main/java/com/example/notes");
        Files.delete(sources.resolve("GreeterPlugin.java"));
        Files.writeString(sources.resolve("NotesPlugin.java"), """
                package com.example.notes;

                import io.pluginhost.api.Plugin;
                import io.pluginhost.api.PluginContext;
                import io.pluginhost.api.PluginMetadata;
                import io.pluginhost.api.resource.KafkaMessage;

                import java.util.List;

                @PluginMetadata(name = "notes", version = "1.0.0", allowedTables = "notes",
                        allowedTopics = "noted", allowedBuckets = "cards")
                public final class NotesPlugin implements Plugin {
                    private PluginContext context;

                    @Override
                    public void initialize(PluginContext context) {
                        this.context = context;
                        context.database().orElseThrow().executeCommand(
                                "CREATE TABLE IF NOT EXISTS notes (id SERIAL PRIMARY KEY, body TEXT NOT NULL)");
                    }

                    @Override
                    public Object execute(Object input) {
                        String body = String.valueOf(input);
                        var db = context.database().orElseThrow();
                        db.executeCommand("INSERT INTO notes (body) VALUES (?)", body);
                        context.kafka().orElseThrow().sendMessage("noted", List.of(KafkaMessage.of(body)));
                        context.s3().orElseThrow().upload(body + ".txt", body.getBytes(), "text/plain", "cards");
                        return db.executeQuery("SELECT count(*) AS n FROM notes").get(0).get("n") + " "
                                + context.s3().orElseThrow().exists(body + ".txt", "cards");
                    }
                }
                """);
        Path tests = project.resolve("src/test/java/com/example/notes");
        Files.delete(tests.resolve("GreeterPluginTest.java"));
        Files.writeString(tests.resolve("NotesPluginTest.java"), """
                package com.example.notes;

                import io.pluginhost.testkit.PluginTestKit;
                import org.junit.jupiter.api.Test;
                import org.junit.jupiter.api.extension.RegisterExtension;

                import static org.junit.jupiter.api.Assertions.assertEquals;

                class NotesPluginTest {
                    @RegisterExtension
                    static PluginTestKit kit = PluginTestKit.builder().plugin(PluginTestKit.projectJar())
                            .database(PluginTestKit.Database.POSTGRES).withKafka().withS3().build();

                    @Test
                    void storesANoteInEachService() {
                        assertEquals("1 true", kit.execute("notes", "first"));
                        assertEquals("2 true", kit.execute("notes", "second"));
                        kit.assertNoErrors();
                        kit.assertUnloadLeavesNoLoader();
                    }
                }
                """);

        String build = maven(project, "verify", "dependency:list", "-DincludeGroupIds=software.amazon.awssdk");

        assertThat(build).contains("Tests run: 1, Failures: 0, Errors: 0");
        // dependency:list's lines only: Maven also warns of the POMs of versions that management replaced
        // (s3proxy's own SDK version), and those are on no class path.
        Pattern listed = Pattern.compile("\\[INFO]\\s+software\\.amazon\\.awssdk:[^:\\s]+:jar:([^:\\s]+):\\w+.*");
        List<String> sdkVersions = build.lines().map(listed::matcher).filter(Matcher::matches)
                .map(matcher -> matcher.group(1)).distinct().toList();
        assertThat(sdkVersions).as("AWS SDK versions on the plugin's test class path")
                .containsExactly(System.getProperty("aws.sdk.version"));
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
