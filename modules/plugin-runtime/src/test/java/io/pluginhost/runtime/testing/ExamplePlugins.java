package io.pluginhost.runtime.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** The example plugin jars the reactor built, copied to target/example-plugins (never on the class path). */
public final class ExamplePlugins {

    private ExamplePlugins() {
    }

    public static Path directory() {
        Path dir = Path.of(System.getProperty("pluginhost.examples.dir", "target/example-plugins"));
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("example plugins not found in " + dir.toAbsolutePath()
                    + "; run the build from the project root (mvn verify)");
        }
        return dir;
    }

    public static Path one() {
        return directory().resolve("example-plugin-1.jar");
    }

    public static Path two() {
        return directory().resolve("example-plugin-2.jar");
    }

    public static Path repository() {
        return directory().resolve("example-plugin-repository.jar");
    }
}
