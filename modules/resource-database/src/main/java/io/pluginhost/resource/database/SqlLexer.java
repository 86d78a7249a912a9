package io.pluginhost.resource.database;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads SQL text the way PostgreSQL (and H2) lex it, and refuses every construct where a database
 * and JSqlParser could disagree about where a token ends. The guard runs it on the plugin's text,
 * for a clear refusal, and again on the text it is about to send, so that what the database reads
 * is made of the same tokens the guard audited.
 *
 * <p>Refused: dollar-quoted strings ({@code $tag$...$tag$}, {@code $$...$$}: JSqlParser splits them);
 * string prefixes ({@code E'..'}, {@code U&'..'}, {@code N'..'}, {@code X'..'}, {@code B'..'}) and any
 * identifier directly followed by a string, which PostgreSQL reads as a typed literal
 * ({@code regclass 'pg_class'}) and JSqlParser as a column with an alias; a backslash before a
 * quote inside a string (JSqlParser treats {@code \'} as an escape, PostgreSQL does not); nested
 * block comments (PostgreSQL nests them, H2 does not); {@code $} inside an identifier; unterminated
 * strings, identifiers and comments; control characters. Allowed: ordinary {@code '...'} strings with
 * doubled quotes, {@code "..."} identifiers, comments, and {@code $1}-style placeholders.
 *
 * <p>By the same rules it mends what JSqlParser writes back otherwise than PostgreSQL reads it: numbered
 * placeholders become JDBC's {@code ?}, jsonb's {@code #-} is joined again, and what JSqlParser cannot read
 * (a sequence's {@code IF [NOT] EXISTS}, TRUNCATE's {@code RESTART IDENTITY}) is left out for it.
 */
final class SqlLexer {

    /** Words after which a string literal is ordinary SQL rather than a typed literal. */
    private static final Set<String> BEFORE_STRING = Set.of("select", "where", "and", "or", "not", "like", "ilike",
            "escape", "to", "then", "else", "when", "case", "is", "default", "on", "by", "distinct", "all", "any",
            "some", "in", "between", "returning", "having", "set", "values", "date", "time", "timestamp", "interval",
            "zone", "similar", "limit", "offset", "as", "from", "with", "without", "end", "using", "return");
    /** PostgreSQL's operator characters: a run of them is one operator (see {@link #operatorEnd}). */
    private static final String OPERATOR_CHARS = "+-*/<>=~!@#%^&|`?";
    /** An operator holding one of these keeps a trailing + or -; another gives it to the next token. */
    private static final String KEEPS_SIGN = "~!@#%^&|`?";
    /** The words a statement begins with that JSqlParser 5.4 does not read, PostgreSQL and H2 do. */
    private static final List<List<String>> SEQUENCE_IF_EXISTS = List.of(
            List.of("create", "sequence", "if", "not", "exists"), List.of("alter", "sequence", "if", "exists"));

    private SqlLexer() {
    }

    /**
     * @param sql     the text
     * @param refusal builds the exception for a refusal
     * @return whether the text has a token other than {@code ;} (outside comments)
     */
    static boolean check(String sql, SqlRefusal refusal) {
        int i = 0;
        int n = sql.length();
        boolean tokens = false;
        String previousWord = null; // the identifier or keyword just before, if the last token was one
        boolean previousString = false;
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '\'') {
                if (previousString) {
                    throw refusal.refuse("has two adjacent strings, which PostgreSQL joins across a line break only;"
                            + " use ||", sql.substring(i, Math.min(n, i + 12)));
                }
                if (previousWord != null && !BEFORE_STRING.contains(previousWord.toLowerCase(Locale.ROOT))) {
                    throw refusal.refuse("writes " + previousWord + "'...': a string prefix or typed literal the guard"
                            + " does not accept; use a plain string, a CAST, or a parameter", previousWord + "'");
                }
                i = string(sql, i, refusal);
                previousWord = null;
                previousString = true;
                tokens = true;
                continue;
            } else if (c == '"') {
                i = closingQuote(sql, i, '"', refusal, "an unterminated quoted identifier");
                previousWord = null;
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                int end = sql.indexOf('\n', i);
                i = end < 0 ? n : end + 1;
                continue;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                i = blockComment(sql, i, refusal);
                continue;
            } else if (c == '$') {
                int end = i + 1;
                while (end < n && Character.isDigit(sql.charAt(end))) {
                    end++;
                }
                if (end == i + 1 || end < n && (isIdentifierPart(sql.charAt(end)) || sql.charAt(end) == '$')) {
                    throw refusal.refuse("uses '$' other than in a $1-style placeholder (dollar-quoted strings are"
                            + " not accepted; use a plain string or a parameter)", sql.substring(i, Math.min(n, i + 12)));
                }
                i = end;
                previousWord = null;
            } else if (isIdentifierStart(c)) {
                int start = i;
                while (i < n && isIdentifierPart(sql.charAt(i))) {
                    i++;
                }
                if (i < n && sql.charAt(i) == '$') {
                    throw refusal.refuse("has '$' in the identifier '" + sql.substring(start, i + 1) + "'",
                            sql.substring(start, i + 1));
                }
                previousWord = sql.substring(start, i);
                if (i + 1 < n && sql.charAt(i) == '&' && (sql.charAt(i + 1) == '\'' || sql.charAt(i + 1) == '"')) {
                    throw refusal.refuse("uses a Unicode-escaped " + previousWord + "& literal", previousWord + "&");
                }
            } else if (Character.isWhitespace(c)) {
                i++; // a typed literal may have space between the type and the string: keep previousWord
                continue;
            } else if (Character.isISOControl(c)) {
                throw refusal.refuse("contains the control character U+"
                        + String.format(Locale.ROOT, "%04X", (int) c), "");
            } else {
                i++;
                previousWord = null;
            }
            tokens |= c != ';'; // a token began at c
            previousString = false;
        }
        return tokens;
    }

    /**
     * @param sql text that passed {@link #check}
     * @return how many {@code ?} a JDBC driver reads as placeholders: those outside strings, quoted names
     *         and comments
     */
    static int questionMarks(String sql) {
        int count = 0;
        int i = 0;
        while (i < sql.length()) {
            int after = afterQuoteOrComment(sql, i);
            if (after > i) {
                i = after;
            } else {
                count += sql.charAt(i) == '?' ? 1 : 0;
                i++;
            }
        }
        return count;
    }

    /**
     * PostgreSQL-style {@code $1} placeholders (and {@code ?1}) for JDBC, which knows only {@code ?}: each is
     * written {@code ?}, and its number recorded, in text order, so {@code a = $2 AND b = $1 OR c = $2} binds
     * parameters 2, 1, 2. This reads the text JSqlParser wrote back rather than its tree, since it writes some
     * nodes (a JSON operator's operand, a window frame) with their own {@code toString}, past any visitor.
     *
     * @param sql   text that passed {@link #check}, where {@code $} stands only in placeholders
     * @param order receives the number of each placeholder, in text order
     * @return the text with each numbered placeholder written {@code ?}
     */
    static String unnumberedPlaceholders(String sql, List<Integer> order) {
        StringBuilder text = new StringBuilder(sql.length());
        int i = 0;
        while (i < sql.length()) {
            int after = afterQuoteOrComment(sql, i);
            char c = sql.charAt(i);
            if (after > i) {
                text.append(sql, i, after);
                i = after;
            } else if ((c == '$' || c == '?') && i + 1 < sql.length() && Character.isDigit(sql.charAt(i + 1))) {
                int end = i + 1;
                while (end < sql.length() && Character.isDigit(sql.charAt(end))) {
                    end++;
                }
                // a number past what any call passes stays one: GuardedSql.bind refuses it as a missing parameter
                order.add(end - i > 6 ? Integer.MAX_VALUE : Integer.parseInt(sql, i + 1, end, 10));
                text.append('?');
                i = end;
            } else {
                text.append(c);
                i++;
            }
        }
        return text.toString();
    }

    /**
     * @param sql text that passed {@link #check}
     * @return the index after the string, quoted name or comment that begins at {@code i}, or {@code i}
     */
    private static int afterQuoteOrComment(String sql, int i) {
        char c = sql.charAt(i);
        if (c == '\'' || c == '"') {
            return closingQuote(sql, i, c, (why, what) -> new IllegalStateException(why), "a quote");
        } else if (sql.startsWith("--", i)) {
            int end = sql.indexOf('\n', i);
            return end < 0 ? sql.length() : end + 1;
        } else if (sql.startsWith("/*", i)) {
            return sql.indexOf("*/", i + 2) + 2; // check() refused an unterminated or nested comment
        }
        return i;
    }

    /**
     * {@code CREATE SEQUENCE IF NOT EXISTS name ...} and {@code ALTER SEQUENCE IF EXISTS name ...}, which
     * PostgreSQL and H2 read and JSqlParser 5.4 does not: the text JSqlParser is given leaves out the
     * {@code IF [NOT] EXISTS}, and the guard puts it back before the name in the text it sends.
     *
     * @param sql text that passed {@link #check}
     * @return the text without {@code IF [NOT] EXISTS} if it begins with one of those runs of words (in any
     *         case, with spaces or comments between), else null
     */
    static String withoutSequenceIfExists(String sql) {
        for (List<String> words : SEQUENCE_IF_EXISTS) {
            String without = withoutIfExists(sql, words);
            if (without != null) {
                return without;
            }
        }
        return null;
    }

    private static String withoutIfExists(String sql, List<String> words) {
        int i = 0;
        int ifStart = 0;
        for (int word = 0; word < words.size(); word++) {
            i = afterSpaceAndComments(sql, i);
            int start = i;
            while (i < sql.length() && isIdentifierPart(sql.charAt(i))) {
                i++;
            }
            String expected = words.get(word);
            if (i - start != expected.length() || !sql.substring(start, i).toLowerCase(Locale.ROOT).equals(expected)) {
                return null;
            }
            ifStart = word == 2 ? start : ifStart;
        }
        return sql.substring(0, ifStart) + sql.substring(i);
    }

    /**
     * {@code TRUNCATE ... RESTART IDENTITY} (or {@code CONTINUE IDENTITY}), which PostgreSQL and H2 read and
     * JSqlParser 5.4 does not: the text JSqlParser is given leaves the two words out, and the guard puts them
     * back after the tables in the text it sends ({@link #truncateIdentity} says which).
     *
     * @param sql text that passed {@link #check}
     * @return the text without the two words if it begins with {@code TRUNCATE} and they follow a table's name
     *         last, or before a last {@code CASCADE}; else null
     */
    static String withoutTruncateIdentity(String sql) {
        int[] words = truncateIdentityWords(sql);
        return words == null ? null : sql.substring(0, words[0]) + sql.substring(words[1]);
    }

    /**
     * @param sql text that passed {@link #check}
     * @return {@code "RESTART IDENTITY"} or {@code "CONTINUE IDENTITY"} where {@link #withoutTruncateIdentity}
     *         leaves them out, else null
     */
    static String truncateIdentity(String sql) {
        int[] words = truncateIdentityWords(sql);
        return words == null ? null : sql.substring(words[0], words[2]).toUpperCase(Locale.ROOT) + " IDENTITY";
    }

    /** @return where the option starts and ends and where its first word ends, or null (see above) */
    private static int[] truncateIdentityWords(String sql) {
        int first = afterSpaceAndComments(sql, 0);
        if (!sql.regionMatches(true, first, "truncate", 0, 8)) { // most statements: no need to read further
            return null;
        }
        List<int[]> tokens = new ArrayList<>();
        for (int i = afterSpaceAndComments(sql, 0); i < sql.length(); i = afterSpaceAndComments(sql, i)) {
            int start = i;
            char c = sql.charAt(i);
            if (c == '"' || c == '\'') {
                i = afterQuoteOrComment(sql, i);
            } else if (isIdentifierStart(c)) {
                while (i < sql.length() && isIdentifierPart(sql.charAt(i))) {
                    i++;
                }
            } else {
                i++;
            }
            tokens.add(new int[] {start, i});
        }
        int last = tokens.size() - 1;
        while (last >= 0 && word(sql, tokens.get(last)).equals(";")) {
            last--;
        }
        if (last >= 0 && word(sql, tokens.get(last)).equals("cascade")) {
            last--;
        }
        if (last < 3 || !word(sql, tokens.get(0)).equals("truncate") || !word(sql, tokens.get(last)).equals("identity")
                || !Set.of("restart", "continue").contains(word(sql, tokens.get(last - 1)))
                || Set.of("truncate", "table", "only", ",").contains(word(sql, tokens.get(last - 2)))) {
            return null;
        }
        return new int[] {tokens.get(last - 1)[0], tokens.get(last)[1], tokens.get(last - 1)[1]};
    }

    /** @return the token's text, lowercased unless quoted */
    private static String word(String sql, int[] token) {
        String text = sql.substring(token[0], token[1]);
        return text.startsWith("\"") ? text : text.toLowerCase(Locale.ROOT);
    }

    private static int afterSpaceAndComments(String sql, int i) {
        while (i < sql.length()) {
            if (Character.isWhitespace(sql.charAt(i))) {
                i++;
            } else if (sql.startsWith("--", i) || sql.startsWith("/*", i)) {
                i = afterQuoteOrComment(sql, i);
            } else {
                break;
            }
        }
        return i;
    }

    /**
     * jsonb's {@code #-} (delete a path) is one operator to PostgreSQL, and {@code #} and a minus sign to
     * JSqlParser, which writes it back as {@code # -x}: to PostgreSQL, {@code #} of a negative operand. This
     * joins them again, in text of the same length.
     *
     * @param written    text that passed {@link #check}: the plugin's, or the text about to be sent
     * @param serialized what JSqlParser wrote back for it
     * @return {@code serialized} with each {@code "# -"} written {@code "#- "}, if {@code written} has as many
     *         {@code #-} operators as {@code serialized} has {@code #} before a space and a minus sign;
     *         {@code serialized} itself if {@code written} has none; null if the counts differ (the plugin
     *         wrote both {@code #-} and {@code # -x}, which cannot be told apart once parsed)
     */
    static String joinHashMinus(String written, String serialized) {
        if (!written.contains("#-")) {
            return serialized;
        }
        int joined = operators(written, "#-").size();
        if (joined == 0) {
            return serialized;
        }
        List<Integer> split = operators(serialized, "#").stream()
                .filter(at -> serialized.startsWith(" -", at + 1)).toList();
        if (split.size() != joined) {
            return null;
        }
        StringBuilder text = new StringBuilder(serialized);
        for (int at : split) {
            text.replace(at, at + 3, "#- ");
        }
        return text.toString();
    }

    /** @return where each operator PostgreSQL reads as {@code operator} begins, in text that passed check */
    private static List<Integer> operators(String sql, String operator) {
        List<Integer> found = new ArrayList<>();
        int i = 0;
        while (i < sql.length()) {
            int after = afterQuoteOrComment(sql, i);
            if (after > i) {
                i = after;
            } else if (OPERATOR_CHARS.indexOf(sql.charAt(i)) >= 0) {
                int end = operatorEnd(sql, i);
                if (end - i == operator.length() && sql.startsWith(operator, i)) {
                    found.add(i);
                }
                i = end;
            } else {
                i++;
            }
        }
        return found;
    }

    /**
     * PostgreSQL's rule: a run of operator characters is one operator, up to a {@code --} or {@code /*}
     * in it; it ends in + or - only if it holds one of {@link #KEEPS_SIGN} ({@code #-} is one operator,
     * {@code *-} is {@code *} and a sign).
     *
     * @return the index after the operator that begins at {@code start}
     */
    private static int operatorEnd(String sql, int start) {
        int end = start + 1;
        while (end < sql.length() && OPERATOR_CHARS.indexOf(sql.charAt(end)) >= 0
                && !sql.startsWith("--", end) && !sql.startsWith("/*", end)) {
            end++;
        }
        boolean keepsSign = false;
        for (int i = start; i < end && !keepsSign; i++) {
            keepsSign = KEEPS_SIGN.indexOf(sql.charAt(i)) >= 0;
        }
        while (!keepsSign && end - start > 1 && (sql.charAt(end - 1) == '+' || sql.charAt(end - 1) == '-')) {
            end--;
        }
        return end;
    }

    /** A plain string: doubled quotes escape; a backslash before a quote is refused. @return index after it */
    private static int string(String sql, int start, SqlRefusal refusal) {
        int end = closingQuote(sql, start, '\'', refusal, "an unterminated string");
        int backslashQuote = sql.indexOf("\\'", start + 1);
        if (backslashQuote >= 0 && backslashQuote < end - 1) {
            throw refusal.refuse("has a backslash before a quote in a string, which databases and the guard read"
                    + " differently; pass the value as a parameter", sql.substring(start, end));
        }
        return end;
    }

    /** @return the index after the quote that closes the one at {@code start} (a doubled quote escapes) */
    static int closingQuote(String sql, int start, char quote, SqlRefusal refusal, String what) {
        int i = start + 1;
        while (i < sql.length()) {
            if (sql.charAt(i) == quote) {
                if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) {
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            i++;
        }
        throw refusal.refuse("has " + what, sql.substring(start, Math.min(sql.length(), start + 20)));
    }

    private static int blockComment(String sql, int start, SqlRefusal refusal) {
        int close = sql.indexOf("*/", start + 2);
        if (close < 0) {
            throw refusal.refuse("has an unterminated comment", sql.substring(start, Math.min(sql.length(), start + 20)));
        }
        int nested = sql.indexOf("/*", start + 2);
        if (nested >= 0 && nested < close) {
            throw refusal.refuse("has a nested comment, which databases read differently", sql.substring(start,
                    close + 2));
        }
        return close + 2;
    }

    private static boolean isIdentifierStart(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c >= 0x80 && Character.isLetter(c);
    }

    private static boolean isIdentifierPart(char c) {
        return isIdentifierStart(c) || c >= '0' && c <= '9' || c >= 0x80 && Character.isLetterOrDigit(c);
    }
}
