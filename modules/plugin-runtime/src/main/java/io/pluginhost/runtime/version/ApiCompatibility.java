package io.pluginhost.runtime.version;

import io.pluginhost.api.Plugin;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Whether a plugin compiled against one version of the plugin API runs on this host. javac records in a
 * plugin's {@code module-info.class} the version of each module it was compiled against; a plugin built
 * against a newer API than the host's may call a method the host does not have, and would fail with a
 * {@code NoSuchMethodError} when it first calls it, long after it loaded. By semantic versioning: within
 * one major version (one minor version while the major is 0) a host runs plugins built against its API
 * or an older one; a patch adds nothing a plugin can call, so patches are not compared.
 */
public final class ApiCompatibility {

    /** The version of the API this host runs, from the API jar ({@code META-INF/io.pluginhost.api.version}). */
    public static final Optional<Version> HOST_API = read();

    private ApiCompatibility() {
    }

    /**
     * @param compiledAgainst the API version the plugin was compiled against, as its module records it
     * @param host            the host's API version
     * @return why the plugin may not run on this host; empty if it may, or if the version it records is
     *         not a semantic version (nothing to go by)
     */
    public static Optional<String> problem(String compiledAgainst, Version host) {
        Optional<Version> parsed = Version.parse(compiledAgainst);
        if (parsed.isEmpty()) {
            return Optional.empty();
        }
        Version plugin = parsed.get();
        if (plugin.major() != host.major() || plugin.major() == 0 && plugin.minor() != host.minor()) {
            return Optional.of("it was built against plugin API " + plugin + ", and this host's " + host + " is a"
                    + " version that breaks compatibility with it: build it again against io.pluginhost:plugin-api "
                    + host);
        }
        if (plugin.minor() > host.minor()) {
            return Optional.of("it was built against plugin API " + plugin + ", newer than this host's " + host
                    + ", and may call what this host does not have: build it against io.pluginhost:plugin-api "
                    + host + ", or run it on a host with API " + plugin + " or later");
        }
        return Optional.empty();
    }

    private static Optional<Version> read() {
        try (InputStream in = Plugin.class.getResourceAsStream("/META-INF/io.pluginhost.api.version")) {
            return in == null ? Optional.empty() : Version.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException unreadable) {
            return Optional.empty();
        }
    }
}
