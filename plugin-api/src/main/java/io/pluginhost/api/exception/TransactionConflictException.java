package io.pluginhost.api.exception;

/**
 * The database refused a plugin's statement or transaction because it conflicted with another one running at
 * the same time: a serialization failure (a row changed since a REPEATABLE READ or SERIALIZABLE transaction
 * began) or a deadlock. Nothing of it was kept, and the same work run again, as a new transaction, may succeed;
 * whether to run it again, and how often, is the plugin's to decide, as only it knows whether its work may run
 * twice.
 */
public class TransactionConflictException extends PluginException {

    private static final long serialVersionUID = 1L;

    /** @param message which plugin, what the database said, and that running it again may succeed */
    public TransactionConflictException(String message) {
        super(message);
    }
}
