package io.pluginhost.runtime.version;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A semantic version (semver.org 2.0): {@code MAJOR.MINOR.PATCH}, an optional pre-release after
 * {@code -} and build metadata after {@code +}. Leniently read, as plugin authors write versions:
 * {@code 1} and {@code 1.2} mean {@code 1.0.0} and {@code 1.2.0}, and a leading {@code v} is
 * dropped. Ordered by semver precedence: build metadata is ignored, a pre-release comes before its
 * release.
 *
 * @param major      the major version
 * @param minor      the minor version
 * @param patch      the patch version
 * @param preRelease the dot-separated pre-release identifiers; empty for a release
 */
public record Version(long major, long minor, long patch, List<String> preRelease) implements Comparable<Version> {

    /** Digits a {@code long} always holds. */
    private static final int MAX_DIGITS = 18;

    /** Copies the pre-release identifiers. */
    public Version {
        preRelease = List.copyOf(preRelease);
    }

    /**
     * Reads a version with no regular expression: it is read for every plugin jar a host has not seen,
     * twice (the plugin's version, the API it was built against), where {@link String#matches} compiled
     * three patterns each time.
     *
     * @param text a version such as {@code 1.2.3}, {@code 2.0.0-rc.1} or {@code 1.4}
     * @return it, or empty if it is not a semantic version
     */
    public static Optional<Version> parse(String text) {
        String s = text.strip();
        if (s.startsWith("v") || s.startsWith("V")) {
            s = s.substring(1);
        }
        int plus = s.indexOf('+');
        if (plus >= 0) {
            s = s.substring(0, plus);
        }
        List<String> preRelease = List.of();
        int dash = s.indexOf('-');
        if (dash >= 0) {
            preRelease = List.of(s.substring(dash + 1).split("\\.", -1));
            for (String identifier : preRelease) {
                if (!isIdentifier(identifier)) {
                    return Optional.empty();
                }
            }
            s = s.substring(0, dash);
        }
        String[] parts = s.split("\\.", -1);
        if (parts.length > 3) {
            return Optional.empty();
        }
        long[] numbers = new long[3];
        for (int i = 0; i < parts.length; i++) {
            if (parts[i].isEmpty() || parts[i].length() > MAX_DIGITS || !isDigits(parts[i])) {
                return Optional.empty();
            }
            numbers[i] = Long.parseLong(parts[i]);
        }
        return Optional.of(new Version(numbers[0], numbers[1], numbers[2], preRelease));
    }

    /** @return whether every character is an ASCII digit ({@link Character#isDigit} takes other scripts' too) */
    private static boolean isDigits(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /** @return whether {@code s} is a pre-release identifier: one or more ASCII letters, digits and hyphens */
    private static boolean isIdentifier(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    /** @return whether this is a pre-release */
    public boolean isPreRelease() {
        return !preRelease.isEmpty();
    }

    /** @return the lowest version above every {@code major.minor.patch} release below it: {@code x.y.z-0} */
    Version lowestPreRelease() {
        return new Version(major, minor, patch, List.of("0"));
    }

    @Override
    public int compareTo(Version other) {
        int c = Long.compare(major, other.major);
        if (c == 0) {
            c = Long.compare(minor, other.minor);
        }
        if (c == 0) {
            c = Long.compare(patch, other.patch);
        }
        if (c != 0) {
            return c;
        }
        if (preRelease.isEmpty() || other.preRelease.isEmpty()) {
            return Boolean.compare(preRelease.isEmpty(), other.preRelease.isEmpty());
        }
        for (int i = 0; i < Math.min(preRelease.size(), other.preRelease.size()); i++) {
            c = compareIdentifiers(preRelease.get(i), other.preRelease.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(preRelease.size(), other.preRelease.size());
    }

    /** Numeric identifiers compare as numbers and before alphanumeric ones, which compare as text. */
    private static int compareIdentifiers(String a, String b) {
        boolean aNumeric = a.chars().allMatch(Character::isDigit);
        boolean bNumeric = b.chars().allMatch(Character::isDigit);
        if (aNumeric && bNumeric) {
            return a.length() != b.length() ? Integer.compare(a.length(), b.length()) : a.compareTo(b);
        }
        if (aNumeric != bNumeric) {
            return aNumeric ? -1 : 1;
        }
        return a.compareTo(b);
    }

    @Override
    public String toString() {
        List<String> text = new ArrayList<>(List.of(major + "." + minor + "." + patch));
        if (!preRelease.isEmpty()) {
            text.add(String.join(".", preRelease));
        }
        return String.join("-", text);
    }
}
