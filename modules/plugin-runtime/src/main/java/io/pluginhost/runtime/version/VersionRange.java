package io.pluginhost.runtime.version;

import java.util.ArrayList;
import java.util.List;

/**
 * The versions of a dependency a plugin accepts, written the way npm and PF4J users already write
 * them, or as Maven/OSGi intervals:
 *
 * <pre>
 * (empty) or *         any version
 * 1.2.3   =1.2.3       exactly 1.2.3
 * 1.2   1.2.x   1.x    any 1.2.z / any 1.y.z (a partial version is a wildcard)
 * &gt;=1.0 &lt;2.0          both (AND: a space or {@code &amp;} between comparators)
 * ^1.2.3               &gt;=1.2.3 &lt;2.0.0 (^0.2.3: &lt;0.3.0, ^0.0.3: &lt;0.0.4)
 * ~1.2.3               &gt;=1.2.3 &lt;1.3.0
 * 1.2 - 2.3            &gt;=1.2.0, up to any 2.3.z
 * ^1.0 || ^2.0         either (OR)
 * [1.0,2.0)  [1.0,)  (,2.0]  [1.5]   Maven/OSGi intervals, several separated by commas = either
 * </pre>
 *
 * Upper bounds derived from {@code ^}, {@code ~}, wildcards and hyphens exclude the next version's
 * pre-releases ({@code ^1.0} does not accept {@code 2.0.0-rc.1}); otherwise comparisons follow
 * semver precedence, so pre-releases are ordinary versions.
 */
public final class VersionRange {

    private static final VersionRange ANY = new VersionRange("*", List.of(List.of()));

    private final String text;
    /** Alternatives (OR) of comparator sets (AND). */
    private final List<List<Comparator>> alternatives;

    private VersionRange(String text, List<List<Comparator>> alternatives) {
        this.text = text;
        this.alternatives = alternatives;
    }

    /** @return the range that accepts every version */
    public static VersionRange any() {
        return ANY;
    }

    /**
     * @param text a range in one of the forms above
     * @return it
     * @throws IllegalArgumentException naming what is wrong, if it is not a range
     */
    public static VersionRange parse(String text) {
        String s = text.strip();
        if (s.isEmpty() || s.equals("*")) {
            return ANY;
        }
        List<List<Comparator>> alternatives = new ArrayList<>();
        if (s.startsWith("[") || s.startsWith("(")) {
            for (String interval : splitIntervals(s, text)) {
                alternatives.add(interval(interval, text));
            }
        } else {
            for (String alternative : s.split("\\|\\|", -1)) {
                alternatives.add(conjunction(alternative.strip(), text));
            }
        }
        return new VersionRange(s, List.copyOf(alternatives));
    }

    /** @return whether {@code version} is in this range */
    public boolean contains(Version version) {
        for (List<Comparator> all : alternatives) {
            if (all.stream().allMatch(c -> c.accepts(version))) {
                return true;
            }
        }
        return false;
    }

    /** @return whether this range accepts every version */
    public boolean isAny() {
        return this == ANY;
    }

    @Override
    public String toString() {
        return text;
    }

    // ---------------------------------------------------------------- npm-style

    private static List<Comparator> conjunction(String s, String whole) {
        if (s.isEmpty()) {
            throw invalid(whole, "an empty alternative around ||");
        }
        String[] hyphen = s.split("\\s+-\\s+", -1);
        if (hyphen.length == 2) {
            Partial low = Partial.parse(hyphen[0], whole);
            Partial high = Partial.parse(hyphen[1], whole);
            List<Comparator> all = new ArrayList<>(List.of(new Comparator(Op.GE, low.floor())));
            all.add(high.isComplete() ? new Comparator(Op.LE, high.floor()) : new Comparator(Op.LT, high.ceiling()));
            return all;
        }
        if (hyphen.length > 2) {
            throw invalid(whole, "more than one hyphen range in '" + s + "'");
        }
        List<Comparator> all = new ArrayList<>();
        String spaced = s.replace('&', ' ').replaceAll("(>=|<=|>|<|=|\\^|~)\\s+", "$1").strip();
        for (String token : spaced.split("\\s+")) {
            all.addAll(comparators(token, whole));
        }
        return all;
    }

    private static List<Comparator> comparators(String token, String whole) {
        for (Op op : new Op[] {Op.GE, Op.LE, Op.GT, Op.LT, Op.EQ}) {
            if (token.startsWith(op.symbol)) {
                Partial p = Partial.parse(token.substring(op.symbol.length()), whole);
                return op.withPartial(p);
            }
        }
        if (token.startsWith("^")) {
            Partial p = Partial.parse(token.substring(1), whole);
            Version floor = p.floor();
            Version ceiling;
            if (floor.major() > 0 || p.parts == 1) {
                ceiling = new Version(floor.major() + 1, 0, 0, List.of());
            } else if (floor.minor() > 0 || p.parts == 2) {
                ceiling = new Version(0, floor.minor() + 1, 0, List.of());
            } else {
                ceiling = new Version(0, 0, floor.patch() + 1, List.of());
            }
            return List.of(new Comparator(Op.GE, floor), new Comparator(Op.LT, ceiling.lowestPreRelease()));
        }
        if (token.startsWith("~")) {
            Partial p = Partial.parse(token.substring(1), whole);
            Version floor = p.floor();
            Version ceiling = p.parts == 1 ? new Version(floor.major() + 1, 0, 0, List.of())
                    : new Version(floor.major(), floor.minor() + 1, 0, List.of());
            return List.of(new Comparator(Op.GE, floor), new Comparator(Op.LT, ceiling.lowestPreRelease()));
        }
        Partial p = Partial.parse(token, whole);
        return Op.EQ.withPartial(p);
    }

    // ---------------------------------------------------------------- Maven/OSGi intervals

    private static List<String> splitIntervals(String s, String whole) {
        List<String> intervals = new ArrayList<>();
        int start = 0;
        while (start < s.length()) {
            int end = start + 1;
            while (end < s.length() && s.charAt(end) != ']' && s.charAt(end) != ')') {
                end++;
            }
            if (end == s.length()) {
                throw invalid(whole, "an interval without its closing ] or )");
            }
            intervals.add(s.substring(start, end + 1));
            start = end + 1;
            while (start < s.length() && (s.charAt(start) == ',' || Character.isWhitespace(s.charAt(start)))) {
                start++;
            }
            if (start < s.length() && s.charAt(start) != '[' && s.charAt(start) != '(') {
                throw invalid(whole, "text between intervals at '" + s.substring(start) + "'");
            }
        }
        return intervals;
    }

    private static List<Comparator> interval(String s, String whole) {
        boolean lowInclusive = s.charAt(0) == '[';
        boolean highInclusive = s.charAt(s.length() - 1) == ']';
        String inside = s.substring(1, s.length() - 1);
        int comma = inside.indexOf(',');
        if (comma < 0) {
            if (!lowInclusive || !highInclusive) {
                throw invalid(whole, "a single version in an interval must be written [x]");
            }
            return List.of(new Comparator(Op.EQ, version(inside, whole)));
        }
        String low = inside.substring(0, comma).strip();
        String high = inside.substring(comma + 1).strip();
        if (high.contains(",")) {
            throw invalid(whole, "an interval with more than two bounds: " + s);
        }
        List<Comparator> all = new ArrayList<>();
        if (!low.isEmpty()) {
            all.add(new Comparator(lowInclusive ? Op.GE : Op.GT, version(low, whole)));
        }
        if (!high.isEmpty()) {
            all.add(new Comparator(highInclusive ? Op.LE : Op.LT, version(high, whole)));
        }
        if (all.size() == 2 && all.get(0).version.compareTo(all.get(1).version) > 0) {
            throw invalid(whole, "the lower bound is above the upper bound in " + s);
        }
        return all;
    }

    private static Version version(String s, String whole) {
        return Version.parse(s).orElseThrow(() -> invalid(whole, "'" + s + "' is not a version"));
    }

    private static IllegalArgumentException invalid(String range, String why) {
        return new IllegalArgumentException("'" + range + "' is not a version range: " + why);
    }

    // ---------------------------------------------------------------- parts

    private enum Op {
        GE(">="), LE("<="), GT(">"), LT("<"), EQ("=");

        final String symbol;

        Op(String symbol) {
            this.symbol = symbol;
        }

        /** A comparator against a partial version, where a missing part is a wildcard. */
        List<Comparator> withPartial(Partial p) {
            if (p.parts == 0) {
                return this == LT || this == GT ? List.of(new Comparator(LT, new Version(0, 0, 0, List.of("0"))))
                        : List.of();
            }
            if (p.isComplete()) {
                return List.of(new Comparator(this, p.floor()));
            }
            return switch (this) {
                case EQ -> List.of(new Comparator(GE, p.floor()), new Comparator(LT, p.ceiling()));
                case GE -> List.of(new Comparator(GE, p.floor()));
                case LT -> List.of(new Comparator(LT, p.floor().lowestPreRelease()));
                case GT -> List.of(new Comparator(GE, p.ceiling()));
                case LE -> List.of(new Comparator(LT, p.ceiling()));
            };
        }

        boolean accepts(int comparison) {
            return switch (this) {
                case GE -> comparison >= 0;
                case LE -> comparison <= 0;
                case GT -> comparison > 0;
                case LT -> comparison < 0;
                case EQ -> comparison == 0;
            };
        }
    }

    private record Comparator(Op op, Version version) {
        boolean accepts(Version candidate) {
            return op.accepts(candidate.compareTo(version));
        }
    }

    /** A version with 0 to 3 numeric parts given ({@code x}, {@code X} and {@code *} end it), and a pre-release. */
    private record Partial(int parts, long[] numbers, List<String> preRelease) {

        static Partial parse(String s, String whole) {
            String t = s.strip();
            if (t.isEmpty()) {
                throw invalid(whole, "a comparator without a version");
            }
            if (t.equals("*") || t.equalsIgnoreCase("x")) {
                return new Partial(0, new long[3], List.of());
            }
            String core = t;
            String suffix = "";
            int cut = indexOfAny(t, '-', '+');
            if (cut >= 0) {
                core = t.substring(0, cut);
                suffix = t.substring(cut);
            }
            String[] pieces = core.split("\\.", -1);
            long[] numbers = new long[3];
            int parts = 0;
            for (String piece : pieces) {
                if (piece.equals("*") || piece.equalsIgnoreCase("x")) {
                    break;
                }
                if (parts == 3 || !piece.matches("[0-9]{1,18}")) {
                    throw invalid(whole, "'" + t + "' is not a version");
                }
                numbers[parts++] = Long.parseLong(piece);
            }
            List<String> preRelease = List.of();
            if (!suffix.isEmpty()) {
                Version full = Version.parse(core + suffix)
                        .orElseThrow(() -> invalid(whole, "'" + t + "' is not a version"));
                if (parts < 3) {
                    throw invalid(whole, "a pre-release needs a full version: '" + t + "'");
                }
                preRelease = full.preRelease();
            }
            return new Partial(parts, numbers, preRelease);
        }

        boolean isComplete() {
            return parts == 3;
        }

        /** @return the lowest version this partial matches */
        Version floor() {
            return new Version(numbers[0], numbers[1], numbers[2], preRelease);
        }

        /** @return the lowest version above everything this partial matches */
        Version ceiling() {
            Version next = switch (parts) {
                case 1 -> new Version(numbers[0] + 1, 0, 0, List.of());
                case 2 -> new Version(numbers[0], numbers[1] + 1, 0, List.of());
                default -> new Version(numbers[0], numbers[1], numbers[2] + 1, List.of());
            };
            return next.lowestPreRelease();
        }

        private static int indexOfAny(String s, char a, char b) {
            for (int i = 0; i < s.length(); i++) {
                if (s.charAt(i) == a || s.charAt(i) == b) {
                    return i;
                }
            }
            return -1;
        }
    }
}
