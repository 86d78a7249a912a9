package io.pluginhost.resource.database;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * Checks the parts of a column definition that JSqlParser keeps as raw text (constraints and
 * defaults, e.g. {@code NOT NULL REFERENCES notes(id) ON DELETE CASCADE}). A small lexer that knows
 * string literals and quoted, dotted identifiers finds: the table after {@code REFERENCES}, which
 * is rewritten like any table; every {@code name(} call, which must not be a denied function; and
 * any {@code SELECT}, which is refused.
 */
final class ColumnSpecs {

    /** What a refusal needs: the reason and the offending text. */
    interface Refusal {
        RuntimeException refuse(String why, String what);
    }

    private record Token(String text, int start, int end, boolean identifier) {
    }

    private ColumnSpecs() {
    }

    /**
     * @param specs          the raw spec strings of one column
     * @param physicalQuoted maps a table name as written to its physical, quoted name (or refuses)
     * @param refusal        builds the exception for a refusal
     * @return the specs with referenced tables rewritten
     */
    static List<String> check(List<String> specs, UnaryOperator<String> physicalQuoted, Refusal refusal) {
        if (specs == null) {
            return null;
        }
        List<String> checked = new ArrayList<>(specs.size());
        // Tokens of consecutive spec strings are read as one sequence ("REFERENCES", "notes(id)").
        List<List<Token>> perSpec = new ArrayList<>(specs.size());
        List<Token> all = new ArrayList<>();
        for (String spec : specs) {
            List<Token> tokens = tokens(spec, refusal);
            perSpec.add(tokens);
            all.addAll(tokens);
        }
        int index = 0;
        for (int s = 0; s < specs.size(); s++) {
            String spec = specs.get(s);
            StringBuilder out = new StringBuilder(spec);
            int shift = 0;
            for (Token token : perSpec.get(s)) {
                Token previous = index > 0 ? all.get(index - 1) : null;
                Token next = index + 1 < all.size() ? all.get(index + 1) : null;
                index++;
                if (!token.identifier()) {
                    continue;
                }
                String upper = token.text().toUpperCase(Locale.ROOT);
                if (upper.equals("SELECT")) {
                    throw refusal.refuse("has a subquery in a column definition", spec);
                }
                boolean referenced = previous != null && previous.identifier()
                        && previous.text().equalsIgnoreCase("REFERENCES");
                if (referenced) {
                    String replacement = physicalQuoted.apply(token.text());
                    out.replace(token.start() + shift, token.end() + shift, replacement);
                    shift += replacement.length() - token.text().length();
                } else if (next != null && next.text().equals("(") && SqlFunctions.isDenied(token.text())) {
                    throw refusal.refuse("calls '" + token.text() + "' in a column definition", token.text());
                }
                if (upper.equals("REFERENCES") && (next == null || !next.identifier())) {
                    throw refusal.refuse("has a REFERENCES clause the guard cannot read", spec);
                }
            }
            checked.add(out.toString());
        }
        return checked;
    }

    private static List<Token> tokens(String text, Refusal refusal) {
        List<Token> tokens = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '\'') {
                int end = closing(text, i, '\'', refusal);
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

    private static int identifierPart(String text, int i, Refusal refusal) {
        if (i < text.length() && text.charAt(i) == '"') {
            return closing(text, i, '"', refusal);
        }
        int end = i;
        while (end < text.length() && (Character.isLetterOrDigit(text.charAt(end)) || text.charAt(end) == '_'
                || text.charAt(end) == '$')) {
            end++;
        }
        return end;
    }

    /** @return the index after the quote that closes the one at {@code start} (a doubled quote escapes) */
    private static int closing(String text, int start, char quote, Refusal refusal) {
        int i = start + 1;
        while (i < text.length()) {
            if (text.charAt(i) == quote) {
                if (i + 1 < text.length() && text.charAt(i + 1) == quote) {
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            i++;
        }
        throw refusal.refuse("has an unterminated quote in a column definition", text);
    }
}
