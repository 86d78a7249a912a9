package io.pluginhost.runtime.descriptor;

import io.pluginhost.runtime.testing.PluginJarBuilder;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/**
 * The judgement of {@code initialize} reads a class file a plugin author (or an attacker) wrote: a
 * damaged one is refused as unreadable ({@link IOException}, which the jar reader turns into an
 * invalid plugin) or judged, never a crash of another kind. The engine-level behaviour, with javac's
 * output, is in {@code LifecycleDeadlineTest}.
 */
class InertInitializeTest {

    /** A provider whose initialize uses every kind of instruction the judgement accepts. */
    private static final byte[] PROVIDER = compile("""
            private long limit; private int extra; private java.time.Duration every; private String word;
            private java.util.concurrent.atomic.AtomicLong seen; private static boolean on;
            public void initialize(PluginContext c) {
                PluginConfig config = c.config();
                limit = config.getLong("limit", 5L);
                extra = config.getInt("extra", 1);
                every = config.getDuration("every", java.time.Duration.ofSeconds(1));
                word = config.get("word", "x");
                on = config.getBoolean("on", true);
                seen = new java.util.concurrent.atomic.AtomicLong();
                EventBus bus = c.eventBus();
                bus.on("w" + limit + word, e -> { });
                bus.on("probe", this::heard);
                c.hasDependency("nobody");
            }
            private void heard(PluginEvent e) { }
            """);

    private static byte[] compile(String body) {
        try {
            Path dir = Files.createTempDirectory("inert-initialize");
            Path jar = PluginJarBuilder.plugin("inert-probe").body(body).build(dir);
            try (JarFile file = new JarFile(jar.toFile())) {
                byte[] bytes = file.getInputStream(file.getEntry("test/inert_probe/TestPlugin.class")).readAllBytes();
                Files.delete(jar);
                Files.delete(dir);
                return bytes;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ClassAnnotationReader.ProviderClass read(byte[] classFile) throws IOException {
        return ClassAnnotationReader.read(classFile, "io.pluginhost.api.PluginMetadata", "io.pluginhost.api");
    }

    @Example
    void theProviderIsJudgedInert() throws IOException {
        assertThat(read(PROVIDER).inertInitialize()).isTrue();
    }

    @Property(tries = 3000)
    void aDamagedClassFileIsJudgedOrRefusedAsUnreadable(@ForAll("damage") List<Tuple.Tuple2<Integer, Integer>> damage) {
        byte[] damaged = PROVIDER.clone();
        for (Tuple.Tuple2<Integer, Integer> change : damage) {
            damaged[change.get1()] = change.get2().byteValue();
        }

        assertThatCode(() -> {
            try {
                read(damaged);
            } catch (IOException unreadable) {
                // refused: the jar reader answers InvalidPluginException
            }
        }).doesNotThrowAnyException();
    }

    /**
     * One to four bytes changed: anywhere, in initialize's code, where the judgement walks, or in the
     * descriptors it parses (a bracket, a semicolon, a type letter).
     */
    @Provide
    Arbitrary<List<Tuple.Tuple2<Integer, Integer>>> damage() {
        int code = initializeCode();
        List<Integer> inDescriptors = new java.util.ArrayList<>();
        for (int i = 0; i < code; i++) {
            if ("();LJDV".indexOf(PROVIDER[i]) >= 0) {
                inDescriptors.add(i);
            }
        }
        Arbitrary<Integer> at = Arbitraries.oneOf(Arbitraries.integers().between(0, PROVIDER.length - 1),
                Arbitraries.integers().between(code, Math.min(code + 160, PROVIDER.length - 1)),
                Arbitraries.of(inDescriptors));
        Arbitrary<Integer> value = Arbitraries.oneOf(Arbitraries.integers().between(0, 255),
                Arbitraries.of(0x00, 0x01, 0x02, 0x59, 0x57, 0x58, 0xb1, 0xb4, 0xb5, 0xb8, 0xb9, 0xba, 0xff),
                Arbitraries.of((int) '(', (int) ')', (int) ';', (int) 'L', (int) 'J', (int) 'V', (int) 'I'));
        return Combinators.combine(at, value).as(Tuple::of).list().ofMinSize(1).ofMaxSize(4);
    }

    /** @return where initialize's code starts: its first instruction is {@code aload_1; invokeinterface} */
    private static int initializeCode() {
        for (int i = 0; i + 1 < PROVIDER.length; i++) {
            if (PROVIDER[i] == 0x2b && PROVIDER[i + 1] == (byte) 0xb9) {
                return i;
            }
        }
        throw new IllegalStateException("no aload_1; invokeinterface in the provider");
    }
}
