package io.pluginhost.resource.kafka;

import io.pluginhost.api.PluginDescriptor;
import io.pluginhost.api.exception.PluginContextInvalidatedException;
import io.pluginhost.api.exception.TopicAccessDeniedException;
import io.pluginhost.api.resource.KafkaMessage;
import io.pluginhost.api.resource.KafkaRepository;
import io.pluginhost.api.resource.ReceivedMessage;
import io.pluginhost.devservices.KafkaDevServer;
import io.pluginhost.runtime.HostServices;
import io.pluginhost.runtime.ModuleLayerPluginManager;
import io.pluginhost.runtime.resource.EffectiveResources;
import io.pluginhost.runtime.resource.ResourceOverrides;
import io.pluginhost.runtime.resource.ResourceScope;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Kafka repository against a real broker (KRaft, in this JVM, from dev-services). */
class KafkaRepositoryTest {

    private static final AtomicInteger PLUGINS = new AtomicInteger();
    private static KafkaDevServer kafka;
    private static Admin admin;
    private static final List<Thread> pollThreads = Collections.synchronizedList(new ArrayList<>());
    private static final ThreadFactory THREADS = runnable -> {
        Thread thread = new Thread(runnable, "kafka-poll-" + pollThreads.size());
        thread.setDaemon(true);
        pollThreads.add(thread);
        return thread;
    };
    private static KafkaRepositoryProvider provider;

    /** A scope whose handler failures are recorded in {@code errors}. */
    record RecordingScope(ResourceScope scope, List<String> errors) {
    }

    @BeforeAll
    static void start() throws Exception {
        kafka = KafkaDevServer.start();
        admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()));
        provider = new KafkaRepositoryProvider(KafkaConnection.forDevelopment(kafka.bootstrapServers()), THREADS);
    }

    @AfterAll
    static void stop() {
        provider.close();
        admin.close();
        kafka.close();
    }

    private static ResourceScope scope(String plugin, ResourceOverrides overrides, String... topics) {
        return recording(plugin, overrides, topics).scope();
    }

    private static RecordingScope recording(String plugin, ResourceOverrides overrides, String... topics) {
        PluginDescriptor descriptor = new PluginDescriptor(plugin, "1", "", List.of(), List.of(), List.of(topics),
                List.of());
        List<String> errors = Collections.synchronizedList(new ArrayList<>());
        return new RecordingScope(ResourceScope.of(plugin, EffectiveResources.of(descriptor, overrides),
                (what, e) -> errors.add(what + ": " + e.getMessage())), errors);
    }

    private static String plugin() {
        return "events-" + PLUGINS.incrementAndGet();
    }

    private static Set<String> topicNames() throws Exception {
        return admin.listTopics().names().get(30, TimeUnit.SECONDS);
    }

    private static List<ConsumerRecord<String, String>> readAll(String physicalTopic, int expected) {
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers",
                kafka.bootstrapServers(), "group.id", "raw-" + System.nanoTime(), "auto.offset.reset", "earliest"),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(physicalTopic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    @Test
    void messagesGoToThePhysicalTopicWithKeysAndHeaders() throws Exception {
        String plugin = plugin();
        KafkaRepository repository = provider.open(scope(plugin, ResourceOverrides.NONE, "orders"));

        repository.sendMessage("orders", List.of(new KafkaMessage("k1", "first", Map.of("type", "created")),
                KafkaMessage.of("second")));

        assertThat(topicNames()).contains(plugin + "_orders");
        List<ConsumerRecord<String, String>> records = readAll(plugin + "_orders", 2);
        assertThat(records).extracting(ConsumerRecord::value).containsExactly("first", "second");
        assertThat(records.get(0).key()).isEqualTo("k1");
        assertThat(new String(records.get(0).headers().lastHeader("type").value(), StandardCharsets.UTF_8))
                .isEqualTo("created");
        assertThat(repository.getAllowedTopics()).containsExactly("orders");
        ((AutoCloseable) repository).close();
    }

    @Test
    void undeclaredTopicsAreRefusedBeforeReachingTheBroker() throws Exception {
        String plugin = plugin();
        KafkaRepository repository = provider.open(scope(plugin, ResourceOverrides.NONE, "orders"));
        repository.createConsumer("c", "readers");
        String denied = "plugin '" + plugin + "' has not declared topic 'secret'; allowed: [orders]";

        assertThatThrownBy(() -> repository.sendMessage("secret", List.of(KafkaMessage.of("x"))))
                .isInstanceOf(TopicAccessDeniedException.class).hasMessage(denied);
        assertThatThrownBy(() -> repository.sendMessage(plugin + "_orders", List.of(KafkaMessage.of("x"))))
                .isInstanceOf(TopicAccessDeniedException.class);
        assertThatThrownBy(() -> repository.subscribe("c", List.of("orders", "secret"), m -> { }))
                .isInstanceOf(TopicAccessDeniedException.class).hasMessage(denied);

        assertThat(topicNames()).doesNotContain("secret", plugin + "_secret");
        ((AutoCloseable) repository).close();
    }

    @Test
    void aConsumerReceivesWithLogicalTopicNamesInAPrefixedGroupAndSurvivesAThrowingHandler() throws Exception {
        String plugin = plugin();
        RecordingScope scope = recording(plugin, ResourceOverrides.NONE, "orders");
        KafkaRepository repository = provider.open(scope.scope());
        List<ReceivedMessage> received = Collections.synchronizedList(new ArrayList<>());
        repository.createConsumer("c1", "readers");
        repository.subscribe("c1", List.of("orders"), message -> {
            if ("poison".equals(message.value())) {
                throw new IllegalStateException("cannot digest");
            }
            received.add(message);
        });

        repository.sendMessage("orders", List.of(KafkaMessage.of("poison"), new KafkaMessage("k", "good",
                Map.of("h", "v"))));
        await(() -> received.size() == 1, "the good message");

        assertThat(received.get(0).topic()).isEqualTo("orders");
        assertThat(received.get(0).key()).isEqualTo("k");
        assertThat(received.get(0).headers()).isEqualTo(Map.of("h", "v"));
        assertThat(scope.errors()).containsExactly("kafka handler for topic 'orders': cannot digest");
        assertThat(admin.listGroups().all().get(30, TimeUnit.SECONDS)).extracting(GroupListing::groupId)
                .contains(plugin + "_readers");
        ((AutoCloseable) repository).close();
    }

    @Test
    void aRecordWithAHeaderWithoutAValueFromAnotherProducerIsDeliveredAndStopsNothing() throws Exception {
        String plugin = plugin();
        RecordingScope scope = recording(plugin, ResourceOverrides.NONE, "orders");
        KafkaRepository repository = provider.open(scope.scope());
        BlockingQueue<ReceivedMessage> received = new LinkedBlockingQueue<>();
        repository.createConsumer("c1", "readers");
        repository.subscribe("c1", List.of("orders"), received::add);
        try (KafkaProducer<String, String> other = new KafkaProducer<>(Map.of("bootstrap.servers",
                kafka.bootstrapServers()), new StringSerializer(), new StringSerializer())) {
            ProducerRecord<String, String> bare = new ProducerRecord<>(plugin + "_orders", "k", "bare");
            bare.headers().add("flag", null);
            other.send(bare).get(30, TimeUnit.SECONDS);
        }
        repository.sendMessage("orders", List.of(KafkaMessage.of("after")));

        ReceivedMessage first = received.poll(30, TimeUnit.SECONDS);
        assertThat(first).as("the record with a header without a value").isNotNull();
        assertThat(first.value()).isEqualTo("bare");
        assertThat(first.headers()).containsEntry("flag", null);
        ReceivedMessage second = received.poll(30, TimeUnit.SECONDS);
        assertThat(second).as("the record after it").isNotNull();
        assertThat(second.value()).isEqualTo("after");
        assertThat(scope.errors()).isEmpty();
        ((AutoCloseable) repository).close();
    }

    @Test
    void disconnectingAndClosingStopEveryPollThread() throws Exception {
        String plugin = plugin();
        KafkaRepository repository = provider.open(scope(plugin, ResourceOverrides.NONE, "orders"));
        int before = pollThreads.size();
        repository.createConsumer("a", "one");
        repository.createConsumer("b", "two");
        repository.subscribe("a", List.of("orders"), m -> { });
        repository.subscribe("b", List.of("orders"), m -> { });
        List<Thread> started = List.copyOf(pollThreads.subList(before, pollThreads.size()));
        assertThat(started).hasSize(2).allMatch(Thread::isAlive);

        repository.disconnectConsumer("a");
        assertThat(started.get(0).isAlive()).isFalse();
        ((AutoCloseable) repository).close();

        assertThat(started.get(1).isAlive()).isFalse();
        assertThatThrownBy(() -> repository.createConsumer("c", "three"))
                .isInstanceOf(PluginContextInvalidatedException.class);
    }

    @Test
    void nameMapsApplyToTopics() throws Exception {
        String plugin = plugin();
        KafkaRepository repository = provider.open(scope(plugin,
                ResourceOverrides.builder().topicNameMap(Map.of("orders", "orders-v2")).build(), "orders"));

        repository.sendMessage("orders", List.of(KafkaMessage.of("mapped")));

        assertThat(readAll(plugin + "_orders-v2", 1)).extracting(ConsumerRecord::value).containsExactly("mapped");
        ((AutoCloseable) repository).close();
    }

    @Test
    void theExamplePluginPublishesAndConsumesAndUnloadingItStopsItsConsumerAndFreesItsLoader() throws Exception {
        Path jar = Path.of(System.getProperty("pluginhost.examples.dir", "target/example-plugins"))
                .resolve("example-plugin-repository.jar");
        try (ModuleLayerPluginManager engine = new ModuleLayerPluginManager(HostServices.NONE.withKafka(provider),
                Duration.ofSeconds(5))) {
            int before = pollThreads.size();
            engine.load(jar);
            Thread poller = pollThreads.get(before);
            engine.execute("example-plugin-repository", Map.of("id", 1, "body", "hello"));
            await(() -> ((Number) ((Map<?, ?>) engine.execute("example-plugin-repository",
                    Map.of("id", 2, "body", "again"))).get("eventsReceived")).longValue() >= 1, "its own event");

            engine.reload("example-plugin-repository",
                    ResourceOverrides.builder().topicNameMap(Map.of("note-events", "note-events-v2")).build());
            assertThat(poller.isAlive()).as("the old consumer's thread").isFalse();
            engine.execute("example-plugin-repository", Map.of("id", 3, "body", "renamed"));
            assertThat(readAll("example-plugin-repository_note-events-v2", 1)).extracting(ConsumerRecord::value)
                    .containsExactly("renamed");

            Thread current = pollThreads.get(pollThreads.size() - 1);
            assertThat(current.isAlive()).isTrue();
            engine.unload("example-plugin-repository");

            assertThat(current.isAlive()).isFalse();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!engine.unloadedButNotCollected().isEmpty() && System.nanoTime() < deadline) {
                System.gc();
                Thread.sleep(50);
            }
            assertThat(engine.unloadedButNotCollected()).as("loaders still alive").isEmpty();
        }
    }
}
