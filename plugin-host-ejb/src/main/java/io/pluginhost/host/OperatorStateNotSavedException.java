package io.pluginhost.host;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The host cannot write its operator state file (a read-only volume, a full disk, a path through a
 * file). A change an operator asks for over REST is refused before it is made, so that nothing holds
 * now that a restart would undo; the message says whether the change was made.
 */
public final class OperatorStateNotSavedException extends UncheckedIOException {

    private static final long serialVersionUID = 1L;

    OperatorStateNotSavedException(String message, IOException cause) {
        super(message, cause);
    }
}
