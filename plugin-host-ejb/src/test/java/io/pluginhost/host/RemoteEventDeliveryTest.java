package io.pluginhost.host;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class RemoteEventDeliveryTest {

    private final AtomicLong clock = new AtomicLong();
    private final List<String> delivered = new CopyOnWriteArrayList<>();
    private final CountDownLatch hanging = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private final List<Thread> stuck = new CopyOnWriteArrayList<>();

    /** A listener that never returns from 'hang' (until the test ends) and records every other event. */
    private void listener(String name, String json) {
        if (name.equals("hang")) {
            stuck.add(Thread.currentThread());
            hanging.countDown();
            while (true) {
                try {
                    release.await();
                    return;
                } catch (InterruptedException ignored) {
                    // plugin code may ignore an interrupt
                }
            }
        }
        delivered.add(name + " " + json);
    }

    @Test
    void aDeliveryThatOverrunsItsDeadlineGivesItsThreadUpAndTheEventsBehindItArriveInOrder() throws Exception {
        RemoteEventDelivery delivery = new RemoteEventDelivery(Thread::new, Duration.ofSeconds(30), this::listener,
                clock::get);
        try {
            delivery.deliver("before", "1");
            delivery.deliver("hang", null);
            assertThat(hanging.await(10, TimeUnit.SECONDS)).isTrue();
            delivery.deliver("waiting", "2"); // within the deadline: it waits behind the stuck one
            assertThat(delivered).containsExactly("before 1");

            clock.addAndGet(Duration.ofSeconds(31).toNanos());
            delivery.deliver("after", "3"); // finds the delivery stuck: a new thread takes over

            awaitDelivered(3);
            assertThat(delivered).containsExactly("before 1", "waiting 2", "after 3");
            assertThat(stuck.get(0).getName()).isEqualTo("pluginhost-remote-events (stuck delivering 'hang')");
            assertThat(stuck.get(0).isInterrupted() || stuck.get(0).isAlive()).isTrue();

            delivery.deliver("later", "4");
            awaitDelivered(4);
            assertThat(delivered).endsWith("later 4");
        } finally {
            release.countDown();
            delivery.close();
        }
        stuck.get(0).join(10_000);
        assertThat(stuck.get(0).isAlive()).as("the stuck thread ends once the plugin returns").isFalse();
    }

    /** With no event after the stuck one, the watchdog gives the thread up at the deadline. */
    @Test
    void theWatchdogGivesAStuckThreadUpWithoutAnotherEvent() throws Exception {
        RemoteEventDelivery delivery = new RemoteEventDelivery(Thread::new, Duration.ofMillis(200), this::listener,
                System::nanoTime);
        try {
            delivery.deliver("hang", null);
            delivery.deliver("waiting", "1");
            awaitDelivered(1);
            assertThat(delivered).containsExactly("waiting 1");
            assertThat(stuck.get(0).getName()).isEqualTo("pluginhost-remote-events (stuck delivering 'hang')");
        } finally {
            release.countDown();
            delivery.close();
        }
    }

    @Test
    void aDeliveryWithinItsDeadlineKeepsItsThread() throws Exception {
        RemoteEventDelivery delivery = new RemoteEventDelivery(Thread::new, Duration.ofSeconds(30), this::listener,
                clock::get);
        try {
            delivery.deliver("hang", null);
            assertThat(hanging.await(10, TimeUnit.SECONDS)).isTrue();
            clock.addAndGet(Duration.ofSeconds(29).toNanos());
            delivery.deliver("behind", "1");
            release.countDown();
            awaitDelivered(1);
            assertThat(stuck.get(0).getName()).doesNotContain("stuck");
        } finally {
            release.countDown();
            delivery.close();
        }
    }

    private void awaitDelivered(int count) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (delivered.size() < count && System.nanoTime() < end) {
            Thread.onSpinWait();
        }
        assertThat(delivered).hasSize(count);
    }
}
