package io.pluginhost.api.resource;

import io.pluginhost.api.exception.InvalidArgumentException;

import java.time.Duration;

/**
 * What a Kafka consumer does with a record whose handler throws: it tries the record again, up to
 * {@code attempts} tries in all, {@code backoff} apart, and then skips it (the failure is reported as
 * an error of the plugin) or sends it to a declared dead-letter topic. While a record waits for its
 * next try its partition waits too, so the records of one partition are handled in order; other
 * partitions go on. Offsets are committed only past records that were handled, skipped or
 * dead-lettered: a record the dead-letter topic could not take is tried again after {@code backoff}.
 *
 * @param attempts        tries in all, 1 (no retry) to 100
 * @param backoff         the wait between tries, zero to 5 minutes
 * @param deadLetterTopic a declared logical topic for records that failed every try, or {@code null}
 *                        to skip them
 */
public record RetryPolicy(int attempts, Duration backoff, String deadLetterTopic) {

    private static final int MAX_ATTEMPTS = 100;
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(5);

    /** One try, then the record is skipped: what {@code subscribe} without a policy does. */
    public static final RetryPolicy NONE = new RetryPolicy(1, Duration.ZERO, null);

    /**
     * @throws InvalidArgumentException if {@code attempts} or {@code backoff} is out of range, or the
     *                                  dead-letter topic is blank
     */
    public RetryPolicy {
        if (attempts < 1 || attempts > MAX_ATTEMPTS) {
            throw new InvalidArgumentException("attempts", "a retry policy has 1 to " + MAX_ATTEMPTS
                    + " attempts; got " + attempts);
        }
        if (backoff == null || backoff.isNegative() || backoff.compareTo(MAX_BACKOFF) > 0) {
            throw new InvalidArgumentException("backoff", "a retry policy waits zero to " + MAX_BACKOFF
                    + " between attempts; got " + backoff);
        }
        if (deadLetterTopic != null && deadLetterTopic.isBlank()) {
            throw new InvalidArgumentException("deadLetterTopic", "a dead-letter topic needs a name");
        }
    }

    /**
     * @param attempts tries in all, 1 to 100
     * @param backoff  the wait between tries
     * @return a policy that skips a record after its last failed try
     */
    public static RetryPolicy attempts(int attempts, Duration backoff) {
        return new RetryPolicy(attempts, backoff, null);
    }

    /**
     * @param topic a declared logical topic
     * @return this policy, sending a record that failed every try to {@code topic} instead of skipping it
     */
    public RetryPolicy deadLetterTo(String topic) {
        return new RetryPolicy(attempts, backoff, topic);
    }
}
