package io.pluginhost.runtime.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs a main class of the tests in a JVM of its own (the JDK's state a test needs fresh: a first load, a
 * first start of ImageIO) with the tests' class path, and gives what it printed.
 */
public final class ChildJvm {

    private ChildJvm() {
    }

    /**
     * @param output    where the child's standard output and error go
     * @param seconds   how long it may run before it is killed and the test fails
     * @param jvmOptions options of the child JVM
     * @param main      its main class
     * @param arguments its arguments
     * @return what it printed
     */
    public static String run(Path output, int seconds, List<String> jvmOptions, Class<?> main, String... arguments)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(arguments));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        boolean ended = child.waitFor(seconds, TimeUnit.SECONDS);
        if (!ended) {
            child.destroyForcibly();
        }
        String printed = Files.readString(output, StandardCharsets.UTF_8);
        assertThat(ended).as("the child JVM ended within %d s: %s", seconds, printed).isTrue();
        return printed;
    }
}
