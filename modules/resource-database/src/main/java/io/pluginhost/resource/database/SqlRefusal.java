package io.pluginhost.resource.database;

/** How the guard's stages (lexer, column specs) refuse a statement: the reason and the offending text. */
interface SqlRefusal {

    /**
     * @param why  what the statement does that is refused, completing "statement refused: it ..."
     * @param what the offending text
     * @return the exception to throw
     */
    RuntimeException refuse(String why, String what);
}
