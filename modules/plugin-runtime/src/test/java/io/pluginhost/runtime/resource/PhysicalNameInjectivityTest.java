package io.pluginhost.runtime.resource;

import io.pluginhost.api.exception.InvalidNameException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No two distinct (plugin, logical name) pairs of one kind map to the same physical name. Names are
 * drawn from a small alphabet heavy in separators, where collisions would live ('a' + 'b_users' vs
 * 'a_b' + 'users' was the reported one), and only valid names take part.
 */
class PhysicalNameInjectivityTest {

    @Property(tries = 3000)
    void distinctPairsNeverShareAPhysicalName(@ForAll("kinds") ResourceKind kind,
                                              @ForAll("pluginNames") String plugin1, @ForAll("names") String logical1,
                                              @ForAll("pluginNames") String plugin2, @ForAll("names") String logical2) {
        String one = physical(kind, plugin1, logical1);
        String two = physical(kind, plugin2, logical2);
        Assume.that(one != null && two != null);
        Assume.that(!plugin1.equals(plugin2) || !logical1.equals(logical2));

        assertThat(one).isNotEqualTo(two);
    }

    /** Nor do two plugins' names that the external system takes for one (Kafka: '.' and '_' in topics). */
    @Property(tries = 3000)
    void twoPluginsNeverShareWhatTheSystemTakesForOneName(@ForAll("kinds") ResourceKind kind,
                                                          @ForAll("pluginNames") String plugin1,
                                                          @ForAll("names") String logical1,
                                                          @ForAll("pluginNames") String plugin2,
                                                          @ForAll("names") String logical2) {
        String one = physical(kind, plugin1, logical1);
        String two = physical(kind, plugin2, logical2);
        Assume.that(one != null && two != null && !plugin1.equals(plugin2));

        assertThat(kind.sameInTheSystem(one)).isNotEqualTo(kind.sameInTheSystem(two));
    }

    @Property(tries = 1000)
    void aPluginNameWithAnUnderscoreIsAlwaysRefused(@ForAll("pluginNames") String plugin) {
        Assume.that(plugin.contains("_"));
        assertThat(valid(plugin)).isFalse();
    }

    /** Every valid pair over {a, b, _, -, .} up to four characters each: no collision anywhere. */
    @Example
    void exhaustivelyOverASmallAlphabet() {
        List<String> names = new ArrayList<>();
        enumerate("", 4, "ab_-.", names);
        for (ResourceKind kind : ResourceKind.values()) {
            Map<String, String> owner = new HashMap<>();
            int pairs = 0;
            for (String plugin : names) {
                if (!valid(plugin)) {
                    continue;
                }
                for (String logical : names) {
                    String physical = physical(kind, plugin, logical);
                    if (physical == null) {
                        continue;
                    }
                    pairs++;
                    String pair = plugin + " / " + logical;
                    String previous = owner.putIfAbsent(physical, pair);
                    assertThat(previous).as(kind + " " + physical + " of " + pair).isNull();
                }
            }
            assertThat(pairs).as(kind.noun() + " pairs checked").isGreaterThan(100);
        }
    }

    @Provide
    Arbitrary<ResourceKind> kinds() {
        return Arbitraries.of(ResourceKind.class);
    }

    /** Segments of 'a', 'b', '1' joined by any separator: valid for some kinds, invalid for others. */
    @Provide
    Arbitrary<String> names() {
        return joined(Arbitraries.of("_", "-", ".", "__", "--"));
    }

    /** Mostly valid plugin names, with a '_' now and then (which must always be refused). */
    @Provide
    Arbitrary<String> pluginNames() {
        return joined(Arbitraries.of("-", "-", "-", "_"));
    }

    private static Arbitrary<String> joined(Arbitrary<String> separators) {
        Arbitrary<String> segment = Arbitraries.strings().withChars("ab1").ofMinLength(1).ofMaxLength(3);
        return Combinators.combine(segment.list().ofMinSize(1).ofMaxSize(3), separators.list().ofSize(2))
                .as((segments, between) -> {
                    StringBuilder name = new StringBuilder(segments.get(0));
                    for (int i = 1; i < segments.size(); i++) {
                        name.append(between.get(i - 1)).append(segments.get(i));
                    }
                    return name.toString();
                });
    }

    private static void enumerate(String prefix, int depth, String alphabet, List<String> out) {
        if (!prefix.isEmpty()) {
            out.add(prefix);
        }
        if (depth == 0) {
            return;
        }
        for (char c : alphabet.toCharArray()) {
            enumerate(prefix + c, depth - 1, alphabet, out);
        }
    }

    private static boolean valid(String plugin) {
        try {
            ResourceKind.validatePluginName(plugin);
            return true;
        } catch (InvalidNameException e) {
            return false;
        }
    }

    /** @return the physical name, or null where the plugin or logical name is not valid */
    private static String physical(ResourceKind kind, String plugin, String logical) {
        try {
            ResourceKind.validatePluginName(plugin);
            kind.validateLogical(logical);
            return kind.physicalName(plugin, logical);
        } catch (InvalidNameException e) {
            return null;
        }
    }
}
