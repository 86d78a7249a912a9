package io.pluginhost.runtime.version;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class VersionTest {

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource(delimiter = ';', value = {
            "1.2.3;1.2.3",
            "1;1.0.0",
            "1.2;1.2.0",
            "v1.2.3;1.2.3",
            "V2;2.0.0",
            "' 1.2.3 ';1.2.3",
            "1.2.3+build.7;1.2.3",
            "1.2.3-rc.1;1.2.3-rc.1",
            "1.2.3-rc.1+build;1.2.3-rc.1",
            "1.2.3-0-x.--;1.2.3-0-x.--",
            "2.0.0-rc+a-b;2.0.0-rc",
            "007.0.1;7.0.1",
            "1.2.3+;1.2.3",
            "1.2-rc.1.3;1.2.0-rc.1.3",
            "1-2.3;1.0.0-2.3",
            "999999999999999999;999999999999999999.0.0"})
    void readsVersionsAsPluginAuthorsWriteThem(String text, String read) {
        assertThat(Version.parse(text)).map(Version::toString).contains(read);
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"", " ", "v", "1.2.3.4", "1..2", "1.", ".1", "1.a", "a", "1.2.3-", "1.2.3-rc..1",
            "1.2.3-rc.", "1.2.3-rc_1", "1.2.3-é", "-1.2.3", "1.-2", "1.2.3 -rc", "1 .2", "1,2",
            "1234567890123456789", "١.٢.٣", "1.2.3-١", "+1.2", "v 1", "vv1"})
    void refusesWhatIsNotASemanticVersion(String text) {
        assertThat(Version.parse(text)).isEmpty();
    }

    /** What the parser accepts is what semver's grammar (leniently, as documented) accepts, for any text. */
    @Property(tries = 3000)
    void acceptsExactlyTheLenientGrammar(@ForAll("versionLike") String text) {
        assertThat(Version.parse(text).isPresent()).as(text).isEqualTo(LENIENT.matcher(text.strip()).matches());
    }

    @Provide
    Arbitrary<String> versionLike() {
        return Arbitraries.strings().withChars("0123456789.-+vVa_é١ ").ofMaxLength(24);
    }

    private static final Pattern LENIENT = Pattern.compile(
            "[vV]?[0-9]{1,18}(\\.[0-9]{1,18}){0,2}(-[0-9A-Za-z-]+(\\.[0-9A-Za-z-]+)*)?(\\+.*)?", Pattern.DOTALL);

    @ParameterizedTest(name = "{0} < {1}")
    @CsvSource(delimiter = ';', value = {"1.0.0-rc.1;1.0.0", "1.0.0-alpha;1.0.0-alpha.1", "1.0.0-2;1.0.0-10",
            "1.0.0-10;1.0.0-a", "1.9.0;1.10.0"})
    void ordersBySemverPrecedence(String lower, String higher) {
        assertThat(Version.parse(lower).orElseThrow()).isLessThan(Version.parse(higher).orElseThrow());
    }
}
