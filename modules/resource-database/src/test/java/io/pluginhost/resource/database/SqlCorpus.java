package io.pluginhost.resource.database;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Reads a statement corpus from the test resources: one statement a line, '#' comments, '\n' for a line break. */
final class SqlCorpus {

    private SqlCorpus() {
    }

    static List<String> read(String name) {
        try (InputStream in = SqlCorpus.class.getResourceAsStream("/sql/" + name)) {
            if (in == null) {
                throw new IllegalStateException("no corpus " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(line -> !line.isBlank() && !line.startsWith("#"))
                    .map(line -> line.replace("\\n", "\n").replace("\\u0000", "\u0000"))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
