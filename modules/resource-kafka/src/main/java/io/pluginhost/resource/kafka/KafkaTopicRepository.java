package io.pluginhost.resource.kafka;

import io.pluginhost.api.exception.InvalidArgumentException;
import io.pluginhost.api.exception.InvalidNameException;
import io.pluginhost.api.exception.PluginContextInvalidatedException;
import io.pluginhost.api.exception.PluginException;
import io.pluginhost.api.resource.KafkaMessage;
import io.pluginhost.api.resource.KafkaRepository;
import io.pluginhost.api.resource.MessageHandler;
import io.pluginhost.api.resource.ReceivedMessage;
import io.pluginhost.api.resource.RetryPolicy;
import io.pluginhost.runtime.BackgroundWork;
import io.pluginhost.runtime.resource.HostContext;
import io.pluginhost.runtime.resource.ResourceKind;
import io.pluginhost.runtime.resource.ResourcePolicy;
import io.pluginhost.runtime.resource.ResourceScope;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * One plugin's {@link KafkaRepository}. Topic names and consumer group ids go through the plugin's
 * policy (the same prefixing as tables), so an undeclared topic is refused before anything reaches
 * the network and a plugin can never join another plugin's group. Each subscribed consumer is
 * polled on its own host thread; handlers run as plugin code through {@link ResourceScope#callPlugin},
 * a failed record is tried again, skipped or dead-lettered as the subscription's {@link RetryPolicy}
 * says, and offsets are committed past what was handed over. While the host is suspended
 * ({@link ResourceScope#suspended}) a consumer hands over nothing: it pauses its partitions and keeps
 * polling, so it stays in its group, and goes on from the first record it did not hand over. The records of
 * each poll are handed over as the container's background work ({@link ResourceScope#beginBackgroundWork}),
 * which a suspend of the server waits for. Closing the repository (on unload) stops every poll loop, closes
 * every consumer and the producer.
 */
final class KafkaTopicRepository implements KafkaRepository, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(KafkaTopicRepository.class.getName());

    /** Headers a dead-lettered record carries besides its own: where it came from and what failed. */
    static final String DEAD_LETTER_HEADER = "pluginhost-dead-letter-";
    /** The longest consumer id: Kafka's client id, which holds it, is sent with every request. */
    static final int MAX_CONSUMER_ID = 200;
    /** How long a consumer waits before it polls again records the host's container refused while it sheds load. */
    static final Duration REFUSED_WAIT = Duration.ofMillis(250);

    private final ResourceScope scope;
    private final ResourcePolicy topics;
    private final Map<String, Object> clientProperties;
    private final ThreadFactory pollThreads;
    private final Duration sendTimeout;
    /**
     * The most consumers the plugin may hold at once: each is a client with its own buffers and, once
     * subscribed, a host thread; one consumer can read many topics.
     */
    private final int maxConsumers;
    private final Map<String, PluginConsumer> consumers = new ConcurrentHashMap<>();
    private KafkaProducer<byte[], byte[]> producer;
    private boolean closed;

    KafkaTopicRepository(ResourceScope scope, Map<String, Object> clientProperties, ThreadFactory pollThreads,
                         Duration sendTimeout, int maxConsumers) {
        this.scope = scope;
        this.topics = scope.resources().topics();
        this.clientProperties = clientProperties;
        this.pollThreads = pollThreads;
        this.sendTimeout = sendTimeout;
        this.maxConsumers = maxConsumers;
    }

    @Override
    public void sendMessage(String topic, List<KafkaMessage> messages) {
        String physical = topics.physicalName(topic);
        if (messages == null || messages.isEmpty()) {
            return;
        }
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(messages.size());
        for (KafkaMessage message : messages) {
            if (message == null) {
                throw new InvalidArgumentException("messages", "the message at index " + records.size() + " (of "
                        + messages.size() + ") is null; a record without a value is"
                        + " new KafkaMessage(key, null, headers)");
            }
            ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(physical, text(message.key()),
                    message.payload());
            message.headers().forEach((name, value) -> record.headers().add(name, text(value)));
            records.add(record);
        }
        send(topic, records);
    }

    private static byte[] text(String value) {
        return value == null ? null : value.getBytes(StandardCharsets.UTF_8);
    }

    /** Sends records to one topic and waits for the broker's acknowledgements, up to the send timeout. */
    private void send(String topic, List<ProducerRecord<byte[], byte[]>> records) {
        KafkaProducer<byte[], byte[]> client = producer();
        List<Future<RecordMetadata>> acknowledgements = new ArrayList<>(records.size());
        try {
            HostContext.call(KafkaTopicRepository.class, () -> {
                for (ProducerRecord<byte[], byte[]> record : records) {
                    acknowledgements.add(client.send(record));
                }
                return null;
            });
        } catch (KafkaException e) {
            // No client type reaches a plugin: it could not even catch it by name.
            throw new PluginException("plugin '" + scope.pluginName() + "': Kafka did not take the messages for"
                    + " topic '" + topic + "': " + e.getMessage());
        }
        long deadline = System.nanoTime() + sendTimeout.toNanos();
        try {
            for (Future<RecordMetadata> acknowledgement : acknowledgements) {
                acknowledgement.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        } catch (ExecutionException e) {
            throw new PluginException("plugin '" + scope.pluginName() + "': Kafka refused a message for topic '"
                    + topic + "': " + e.getCause().getMessage());
        } catch (TimeoutException e) {
            throw new PluginException("plugin '" + scope.pluginName() + "': Kafka did not acknowledge the messages"
                    + " for topic '" + topic + "' within " + sendTimeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PluginException("plugin '" + scope.pluginName() + "': interrupted while sending to '" + topic
                    + "'");
        }
    }

    /**
     * Makes a Kafka client on the host's context loader; a setting it refuses (a SASL set-up with no log-in)
     * reaches the plugin as its error, in text, as every Kafka failure does.
     */
    private <C> C client(String what, Supplier<C> make) {
        try {
            return HostContext.call(KafkaTopicRepository.class, make);
        } catch (KafkaException e) {
            throw new PluginException("plugin '" + scope.pluginName() + "': the Kafka client refuses the host's"
                    + " settings, so its " + what + " cannot be made: " + e.getMessage()
                    + (e.getCause() == null ? "" : " (" + e.getCause().getMessage() + ")"));
        }
    }

    private synchronized KafkaProducer<byte[], byte[]> producer() {
        if (closed) {
            throw new PluginContextInvalidatedException(scope.pluginName());
        }
        if (producer == null) {
            Map<String, Object> properties = new HashMap<>(clientProperties);
            properties.put("acks", "all");
            properties.put("client.id", "pluginhost-" + scope.pluginName());
            producer = client("producer", () -> new KafkaProducer<>(properties, new ByteArraySerializer(),
                    new ByteArraySerializer()));
        }
        return producer;
    }

    @Override
    public synchronized void createConsumer(String consumerId, String groupId) {
        if (closed) {
            throw new PluginContextInvalidatedException(scope.pluginName());
        }
        if (consumerId == null || consumerId.isBlank()) {
            throw new InvalidArgumentException("consumerId", "a consumer id is required");
        }
        boolean control = consumerId.chars().anyMatch(Character::isISOControl);
        if (consumerId.length() > MAX_CONSUMER_ID || control) {
            // It is part of the client id Kafka sends with every request, and of what the host logs.
            throw new InvalidArgumentException("consumerId", "a consumer id is 1 to " + MAX_CONSUMER_ID
                    + " characters with no control character; got " + consumerId.length() + " characters"
                    + (control ? " with a control character" : ""));
        }
        if (consumers.containsKey(consumerId)) {
            throw new PluginException("plugin '" + scope.pluginName() + "' already has a consumer '" + consumerId
                    + "'; disconnect it first");
        }
        if (consumers.size() >= maxConsumers) {
            throw new PluginException("plugin '" + scope.pluginName() + "' already holds " + maxConsumers
                    + " Kafka consumers, the most one plugin may hold (pluginhost.kafka.max-consumers-per-plugin);"
                    + " one consumer can subscribe to many topics, and disconnectConsumer frees one");
        }
        String physicalGroup = physicalGroup(groupId);
        Map<String, Object> properties = new HashMap<>(clientProperties);
        properties.put("group.id", physicalGroup);
        properties.put("client.id", "pluginhost-" + scope.pluginName() + "-" + consumerId);
        properties.put("auto.offset.reset", "earliest");
        properties.put("enable.auto.commit", "false");
        KafkaConsumer<byte[], byte[]> consumer = client("consumer '" + consumerId + "'",
                () -> new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer()));
        consumers.put(consumerId, new PluginConsumer(consumerId, consumer));
    }

    /** A group is named by the topic rules and prefixed alike, but a refusal names it as the group it is. */
    private String physicalGroup(String groupId) {
        try {
            ResourceKind.TOPIC.validateLogical(groupId);
            return ResourceKind.TOPIC.physicalName(scope.pluginName(), groupId);
        } catch (InvalidNameException e) {
            throw new InvalidNameException("consumer group '" + groupId + "' of plugin '" + scope.pluginName()
                    + "' is invalid; a group is named as a topic is: " + e.getMessage());
        }
    }

    @Override
    public void subscribe(String consumerId, List<String> logicalTopics, MessageHandler handler, RetryPolicy retry) {
        if (logicalTopics == null || logicalTopics.isEmpty() || handler == null) {
            throw new InvalidArgumentException("topics", "subscribe needs at least one topic and a handler");
        }
        if (retry == null) {
            throw new InvalidArgumentException("retry", "subscribe needs a retry policy; RetryPolicy.NONE skips");
        }
        Map<String, String> logicalByPhysical = new LinkedHashMap<>();
        for (String topic : logicalTopics) {
            logicalByPhysical.put(topics.physicalName(topic), topic);
        }
        if (retry.deadLetterTopic() != null
                && logicalByPhysical.containsKey(topics.physicalName(retry.deadLetterTopic()))) {
            // A failed record would come back to the same handler, fail again, and go round for good.
            throw new InvalidArgumentException("retry", "the dead-letter topic '" + retry.deadLetterTopic()
                    + "' is one of the topics the consumer reads");
        }
        PluginConsumer consumer = consumers.get(consumerId);
        if (consumer == null) {
            throw new PluginException("plugin '" + scope.pluginName() + "' has no consumer '" + consumerId
                    + "'; create it first");
        }
        consumer.start(logicalByPhysical, handler, retry);
    }

    @Override
    public void disconnectConsumer(String consumerId) {
        PluginConsumer consumer = consumers.remove(consumerId);
        if (consumer != null) {
            consumer.stop();
        }
    }

    @Override
    public List<String> getAllowedTopics() {
        return topics.allowed();
    }

    /** Stops every consumer and closes the producer. Called by the engine on unload. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        for (String id : List.copyOf(consumers.keySet())) {
            disconnectConsumer(id);
        }
        KafkaProducer<byte[], byte[]> client;
        synchronized (this) {
            client = producer;
            producer = null;
        }
        if (client != null) {
            HostContext.call(KafkaTopicRepository.class, () -> {
                client.close(Duration.ofSeconds(2)); // unsent messages during an outage would fail anyway
                return null;
            });
        }
    }

    /**
     * A consumer and, once subscribed, the host thread that polls it. Only that thread touches the
     * consumer. A record whose handler failed and is to be tried again is sought back to and its
     * partition paused until the backoff is over ({@link Held}); offsets are committed per partition,
     * past the last record that was handled, skipped or dead-lettered. While the host is suspended every
     * assigned partition is paused, and a suspend that begins within a poll's records seeks each partition
     * back to the first it did not hand over.
     */
    private final class PluginConsumer implements Runnable {
        private final String id;
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final Map<TopicPartition, Held> held = new HashMap<>();
        /** Whether its partitions were paused for a suspend of the host. */
        private boolean suspended;
        private volatile boolean running;
        private Thread thread;
        private Map<String, String> logicalByPhysical;
        private MessageHandler handler;
        private RetryPolicy retry;

        PluginConsumer(String id, KafkaConsumer<byte[], byte[]> consumer) {
            this.id = id;
            this.consumer = consumer;
        }

        synchronized void start(Map<String, String> logicalByPhysical, MessageHandler handler, RetryPolicy retry) {
            if (thread != null) {
                throw new PluginException("consumer '" + id + "' of plugin '" + scope.pluginName()
                        + "' is already subscribed");
            }
            this.logicalByPhysical = Map.copyOf(logicalByPhysical);
            this.handler = handler;
            this.retry = retry;
            running = true;
            thread = HostContext.call(KafkaTopicRepository.class, () -> pollThreads.newThread(this));
            thread.start();
        }

        @Override
        public void run() {
            Thread.currentThread().setContextClassLoader(KafkaTopicRepository.class.getClassLoader());
            try {
                consumer.subscribe(List.copyOf(logicalByPhysical.keySet()));
                while (running) {
                    followSuspend();
                    resumeWhatIsDue();
                    ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(250));
                    if (records.isEmpty()) {
                        continue;
                    }
                    Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
                    Delivery delivery;
                    try (BackgroundWork.Counted counted = scope.beginBackgroundWork().orElse(null)) {
                        delivery = counted == null ? refused() : Delivery.GO_ON;
                        for (TopicPartition partition : records.partitions()) {
                            List<ConsumerRecord<byte[], byte[]>> batch = records.records(partition);
                            if (delivery == Delivery.SUSPENDED) {
                                consumer.seek(partition, batch.get(0).offset()); // handed over at the resume
                                continue;
                            }
                            delivery = deliver(partition, batch, done);
                            if (delivery == Delivery.UNLOADING) {
                                break; // do not commit what the plugin did not get
                            }
                        }
                    }
                    commit(done);
                    if (delivery == Delivery.UNLOADING) {
                        return;
                    }
                }
            } catch (WakeupException stopping) {
                // disconnect or unload
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "Kafka consumer '" + id + "' of plugin '" + scope.pluginName()
                        + "' stopped: " + e);
            } finally {
                // From JDK 19 on, a thread keeps its task after it ends, and this consumer is that task: whoever
                // keeps the ended thread (a monitoring tool, a thread factory's list) would keep the plugin too.
                handler = null;
                consumer.close(Duration.ofSeconds(5));
            }
        }

        /**
         * Pauses every assigned partition while the host is suspended (again at each poll: a rebalance
         * assigns partitions unpaused), and at the resume resumes those not held back for a retry.
         */
        private void followSuspend() {
            if (scope.suspended()) {
                consumer.pause(consumer.assignment());
                suspended = true;
            } else if (suspended) {
                List<TopicPartition> paused = new ArrayList<>(consumer.paused());
                paused.removeAll(held.keySet()); // resumeWhatIsDue resumes those when their backoff is over
                consumer.resume(paused);
                suspended = false;
            }
        }

        /**
         * The host's container refused to count the poll's records as its background work: it is suspending
         * (and the host suspended, so the next poll pauses every partition), or it sheds load, when the records
         * come again after {@link #REFUSED_WAIT}. Either way none is handed over now.
         *
         * @return {@link Delivery#SUSPENDED}, so that every partition is sought back to its first record
         */
        private Delivery refused() {
            if (!scope.suspended()) {
                LockSupport.parkNanos(REFUSED_WAIT.toNanos()); // an unload waits for it: at most this long
            }
            return Delivery.SUSPENDED;
        }

        /** @return whether to go on with the poll's other partitions, or why not */
        private Delivery deliver(TopicPartition partition, List<ConsumerRecord<byte[], byte[]>> records,
                                 Map<TopicPartition, OffsetAndMetadata> done) {
            for (ConsumerRecord<byte[], byte[]> record : records) {
                if (!running) {
                    return Delivery.UNLOADING;
                }
                if (scope.suspended()) {
                    consumer.seek(partition, record.offset()); // handed over at the resume
                    return Delivery.SUSPENDED;
                }
                Held before = held.get(partition);
                int attempt = before != null && before.offset() == record.offset() ? before.attempts() + 1 : 1;
                String failure;
                try {
                    failure = handle(record, attempt);
                } catch (PluginContextInvalidatedException unloading) {
                    return Delivery.UNLOADING;
                }
                if (failure != null && (attempt < retry.attempts()
                        || retry.deadLetterTopic() != null && !deadLetter(record, attempt, failure))) {
                    holdBack(partition, record.offset(), attempt);
                    return Delivery.GO_ON; // the partition's later records come again after the held one
                }
                held.remove(partition);
                done.put(partition, new OffsetAndMetadata(record.offset() + 1));
            }
            return Delivery.GO_ON;
        }

        /** @return null if the handler took the record, else what it threw (already reported) */
        private String handle(ConsumerRecord<byte[], byte[]> record, int attempt) {
            String logical = logicalByPhysical.get(record.topic());
            ReceivedMessage message = new ReceivedMessage(logical, record.partition(), record.offset(),
                    utf8(record.key()), utf8(record.value()), headers(record), record.timestamp(), record.value());
            String[] failure = new String[1];
            scope.callPlugin("kafka handler for topic '" + logical + "'" + (retry.attempts() == 1 ? ""
                    : " (attempt " + attempt + " of " + retry.attempts() + ")"), () -> {
                try {
                    handler.onMessage(message);
                } catch (Exception | Error e) {
                    // text only, so the header keeps no object of the plugin's classes
                    failure[0] = e.getMessage() == null ? e.getClass().getName() : e.getClass().getName() + ": "
                            + e.getMessage();
                    throw e;
                } finally {
                    // Only the handler can have set it (the host stops this thread with wakeup()), and Kafka's
                    // next commit or poll would throw on it and stop the consumer for good.
                    Thread.interrupted();
                }
                return null;
            });
            return failure[0];
        }

        /**
         * Sends the record to the dead-letter topic as it came, byte for byte (key, value and headers are
         * not read as text on the way), with headers saying where from and why.
         *
         * @return whether the dead-letter topic took the record
         */
        private boolean deadLetter(ConsumerRecord<byte[], byte[]> record, int attempts, String failure) {
            String deadLetterTopic = retry.deadLetterTopic();
            try {
                // The record's headers are copied into the new one, the original's left as they are.
                ProducerRecord<byte[], byte[]> copy = new ProducerRecord<>(topics.physicalName(deadLetterTopic), null,
                        record.key(), record.value(), record.headers());
                copy.headers().add(DEAD_LETTER_HEADER + "topic", text(logicalByPhysical.get(record.topic())))
                        .add(DEAD_LETTER_HEADER + "partition", text(Integer.toString(record.partition())))
                        .add(DEAD_LETTER_HEADER + "offset", text(Long.toString(record.offset())))
                        .add(DEAD_LETTER_HEADER + "attempts", text(Integer.toString(attempts)))
                        .add(DEAD_LETTER_HEADER + "error", text(failure));
                send(deadLetterTopic, List.of(copy));
                return true;
            } catch (PluginContextInvalidatedException unloading) {
                running = false;
                return false;
            } catch (PluginException e) {
                LOG.log(System.Logger.Level.WARNING, "Kafka consumer '" + id + "' of plugin '" + scope.pluginName()
                        + "' could not dead-letter offset " + record.offset() + " of " + record.topic() + "-"
                        + record.partition() + "; it is tried again after " + retry.backoff() + ": " + e.getMessage());
                return false;
            }
        }

        private static String utf8(byte[] bytes) {
            return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
        }

        private static Map<String, String> headers(ConsumerRecord<byte[], byte[]> record) {
            Map<String, String> headers = new LinkedHashMap<>();
            for (Header header : record.headers()) {
                headers.put(header.key(), utf8(header.value()));
            }
            return headers;
        }

        private void holdBack(TopicPartition partition, long offset, int attempts) {
            consumer.seek(partition, offset);
            consumer.pause(List.of(partition));
            held.put(partition, new Held(offset, attempts, System.nanoTime() + retry.backoff().toNanos()));
        }

        private void resumeWhatIsDue() {
            if (held.isEmpty() || suspended) {
                return;
            }
            Set<TopicPartition> assigned = consumer.assignment();
            held.keySet().retainAll(assigned); // a partition given to another member starts over there
            long now = System.nanoTime();
            List<TopicPartition> due = new ArrayList<>();
            held.forEach((partition, waiting) -> {
                if (now - waiting.resumeAt() >= 0) {
                    due.add(partition);
                }
            });
            due.retainAll(consumer.paused());
            consumer.resume(due);
        }

        private void commit(Map<TopicPartition, OffsetAndMetadata> done) {
            if (done.isEmpty()) {
                return;
            }
            try {
                consumer.commitSync(done);
            } catch (WakeupException stopping) {
                throw stopping;
            } catch (KafkaException e) {
                // The records come again (to this member or, after a rebalance, another): at least once.
                LOG.log(System.Logger.Level.WARNING, "Kafka consumer '" + id + "' of plugin '" + scope.pluginName()
                        + "' could not commit " + done + ": " + e);
            }
        }

        void stop() {
            Thread poller;
            synchronized (this) {
                running = false;
                poller = thread;
            }
            if (poller == null) {
                HostContext.call(KafkaTopicRepository.class, () -> {
                    consumer.close(Duration.ofSeconds(5));
                    return null;
                });
                return;
            }
            consumer.wakeup();
            if (poller != Thread.currentThread()) {
                try {
                    poller.join(TimeUnit.SECONDS.toMillis(15));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                if (poller.isAlive()) {
                    LOG.log(System.Logger.Level.WARNING, "Kafka consumer '" + id + "' of plugin '" + scope.pluginName()
                            + "' did not stop within 15 s");
                }
            }
        }
    }

    /** How the delivery of a poll's records to the plugin went on. */
    private enum Delivery {
        /** Every record handed over, or the partition held back for a retry. */
        GO_ON,
        /** The host was suspended, or its container refused the work: the partitions from here on were sought back. */
        SUSPENDED,
        /** The plugin is unloading: nothing more is handed over or committed. */
        UNLOADING
    }

    /** A partition held back for a record that is to be tried again at {@code resumeAt} ({@link System#nanoTime}). */
    private record Held(long offset, int attempts, long resumeAt) {
    }
}
