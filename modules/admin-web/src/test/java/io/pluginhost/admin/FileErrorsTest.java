package io.pluginhost.admin;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileSystemException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a 500 for a file the host cannot write or read says: the file's name and the reason, never the
 * server's path (the response itself is checked on the real server, {@code AdminApiIT}).
 */
class FileErrorsTest {

    @Test
    void aFileSystemErrorNamesTheFileNotItsPath() {
        assertThat(FileErrors.describe(new FileSystemException("/srv/wildfly/data/plugins/orders.jar", null,
                "Operation not permitted"))).isEqualTo("cannot write or read orders.jar: Operation not permitted");
    }

    @Test
    void oneWithoutAReasonIsToldByItsKind() {
        assertThat(FileErrors.describe(new DirectoryNotEmptyException("/srv/plugins/in-the-way.jar")))
                .isEqualTo("cannot write or read in-the-way.jar: directory not empty");
    }

    @Test
    void aWrappedOneIsToldByItsCauseNotByItsMessageWhichHoldsThePath() {
        assertThat(FileErrors.describe(new java.io.UncheckedIOException(
                new java.nio.file.NoSuchFileException("/srv/wildfly/data/plugins/notes.jar"))))
                .isEqualTo("cannot write or read notes.jar: no such file");
    }

    @Test
    void anotherIoErrorIsToldByItsMessage() {
        assertThat(FileErrors.describe(new IOException("No space left on device")))
                .isEqualTo("No space left on device");
        assertThat(FileErrors.describe(new IOException())).isEqualTo("IOException");
    }
}
