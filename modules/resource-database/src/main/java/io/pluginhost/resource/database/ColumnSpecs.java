package io.pluginhost.resource.database;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Checks the parts of a column definition that JSqlParser keeps as raw text (constraints and
 * defaults, e.g. {@code CONSTRAINT pk PRIMARY KEY}, {@code NOT NULL REFERENCES notes(id) ON DELETE
 * CASCADE}, {@code DEFAULT lower('X')}). A small lexer that knows string literals and quoted, dotted
 * identifiers finds: the table after {@code REFERENCES}, rewritten like any table; the name after
 * {@code CONSTRAINT}, prefixed like an index; every {@code name(} call, which must be an allowed
 * function (or {@code nextval('declared')}, mapped); and refuses any {@code SELECT}, cast,
 * {@code $}, {@code NEXT VALUE FOR} and an identity column's {@code SEQUENCE NAME}. The text has already passed
 * {@link SqlLexer}, so its strings and comments are plain.
 */
final class ColumnSpecs {

    interface Rules extends SqlRefusal {
        /** @return the physical, quoted name of a referenced table (or refuses) */
        String table(String written);

        /** @return the physical, quoted name of a constraint (or refuses) */
        String constraint(String written);

        /** @return the string literal naming the physical sequence for a declared name (or refuses) */
        String sequence(String written);

        /** Refuses a function plugins may not call. */
        void function(String name);
    }

    /** Words that precede '(' in column specs without being function calls. */
    private static final Set<String> KEYWORDS_BEFORE_PARENTHESIS = Set.of("check", "default", "key", "unique", "as",
            "identity", "in", "and", "or", "not", "when", "then", "else", "using", "include", "with", "on", "exists",
            "null", "primary", "references", "between", "like", "is", "generated");

    /** Words that start a constraint: after CONSTRAINT they mean the name is missing. */
    private static final Set<String> CONSTRAINT_KINDS = Set.of("check", "unique", "primary", "references", "not",
            "null", "default", "foreign");

    private static final String UNTERMINATED = "an unterminated quote in a column definition";

    private record Token(String text, int start, int end, boolean identifier) {
    }

    private ColumnSpecs() {
    }

    /**
     * @param specs the raw spec strings of one column
     * @param rules maps and checks names, and builds refusals
     * @return the specs with referenced tables, constraints and sequences rewritten
     */
    static List<String> check(List<String> specs, Rules rules) {
        if (specs == null) {
            return null;
        }
        List<String> checked = new ArrayList<>(specs.size());
        // Tokens of consecutive spec strings are read as one sequence ("REFERENCES", "notes(id)").
        List<List<Token>> perSpec = new ArrayList<>(specs.size());
        List<Token> all = new ArrayList<>();
        for (String spec : specs) {
            List<Token> tokens = tokens(spec, rules);
            perSpec.add(tokens);
            all.addAll(tokens);
        }
        int index = 0;
        for (int s = 0; s < specs.size(); s++) {
            String spec = specs.get(s);
            StringBuilder out = new StringBuilder(spec);
            int shift = 0;
            for (Token token : perSpec.get(s)) {
                Token beforePrevious = index > 1 ? all.get(index - 2) : null;
                Token previous = index > 0 ? all.get(index - 1) : null;
                Token next = index + 1 < all.size() ? all.get(index + 1) : null;
                Token afterNext = index + 2 < all.size() ? all.get(index + 2) : null;
                index++;
                if (token.text().equals(":") && next != null && next.text().equals(":")) {
                    throw rules.refuse("casts in a column definition; use a literal of the column's type", spec);
                }
                if (token.text().equals("$")) {
                    throw rules.refuse("has '$' in a column definition", spec);
                }
                if (!token.identifier()) {
                    continue;
                }
                String lower = token.text().toLowerCase(Locale.ROOT);
                if (SqlDialect.isSessionValue(lower)) {
                    throw rules.refuse("reads the session's " + token.text() + " in a column definition", spec);
                }
                if (lower.equals("next") && next != null && isWord(next, "value")) {
                    throw rules.refuse("uses NEXT VALUE FOR in a column definition; use nextval('<declared name>')",
                            spec);
                }
                if (lower.equals("tablespace")) {
                    throw rules.refuse("puts an index in a tablespace", spec);
                }
                if (lower.equals("select") || lower.equals("cast")) {
                    throw rules.refuse("has " + token.text().toUpperCase(Locale.ROOT) + " in a column definition",
                            spec);
                }
                String replacement = null;
                if (previous != null && isWord(previous, "references")) {
                    replacement = rules.table(token.text());
                } else if (previous != null && isWord(previous, "constraint")) {
                    if (CONSTRAINT_KINDS.contains(lower)) {
                        throw rules.refuse("has a CONSTRAINT without a name", spec);
                    }
                    replacement = rules.constraint(token.text());
                } else if (lower.startsWith("sequencename") && previous != null && previous.text().equals("(")
                        && beforePrevious != null && isWord(beforePrevious, "identity")
                        || lower.equals("sequence") && next != null && isWord(next, "name")) {
                    // JSqlParser keeps "(SEQUENCE NAME x" as "(" and one glued word; either way it names a sequence
                    throw rules.refuse("names the sequence of an identity column; leave the name to the database,"
                            + " which derives it from the table's", spec);
                } else if (next != null && next.text().equals("(")
                        && !KEYWORDS_BEFORE_PARENTHESIS.contains(lower)) {
                    if (lower.equals("nextval")) {
                        if (afterNext == null || !afterNext.text().startsWith("'")
                                || !perSpec.get(s).contains(afterNext)) {
                            throw rules.refuse("calls nextval without a literal sequence name", spec);
                        }
                        String literal = afterNext.text();
                        String mapped = rules.sequence(literal.substring(1, literal.length() - 1).replace("''", "'"));
                        out.replace(afterNext.start() + shift, afterNext.end() + shift, mapped);
                        shift += mapped.length() - literal.length();
                    } else if (lower.equals("lpad") || lower.equals("rpad")) {
                        throw rules.refuse("pads a string in a column definition", spec);
                    } else {
                        rules.function(token.text());
                    }
                }
                if (lower.equals("references") && (next == null || !next.identifier())) {
                    throw rules.refuse("has a REFERENCES clause the guard cannot read", spec);
                }
                if (lower.equals("constraint") && (next == null || !next.identifier())) {
                    throw rules.refuse("has a CONSTRAINT the guard cannot read", spec);
                }
                if (replacement != null) {
                    out.replace(token.start() + shift, token.end() + shift, replacement);
                    shift += replacement.length() - token.text().length();
                }
            }
            checked.add(out.toString());
        }
        return checked;
    }

    private static boolean isWord(Token token, String word) {
        return token.identifier() && token.text().equalsIgnoreCase(word);
    }

    private static List<Token> tokens(String text, SqlRefusal refusal) {
        List<Token> tokens = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '\'') {
                int end = SqlLexer.closingQuote(text, i, '\'', refusal, UNTERMINATED);
                tokens.add(new Token(text.substring(i, end), i, end, false));
                i = end;
            } else if (c == '"' || Character.isLetter(c) || c == '_') {
                int start = i;
                i = identifierPart(text, i, refusal);
                while (i < text.length() && text.charAt(i) == '.') {
                    i = identifierPart(text, i + 1, refusal);
                }
                tokens.add(new Token(text.substring(start, i), start, i, true));
            } else {
                tokens.add(new Token(String.valueOf(c), i, i + 1, false));
                i++;
            }
        }
        return tokens;
    }

    private static int identifierPart(String text, int i, SqlRefusal refusal) {
        if (i < text.length() && text.charAt(i) == '"') {
            return SqlLexer.closingQuote(text, i, '"', refusal, UNTERMINATED);
        }
        int end = i;
        while (end < text.length() && (Character.isLetterOrDigit(text.charAt(end)) || text.charAt(end) == '_')) {
            end++;
        }
        return end;
    }

}
