package io.pluginhost.host;

import io.pluginhost.runtime.BackgroundWork;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The plugins' background work as requests of the server, through an executor that counts and refuses as
 * WildFly's managed executor does: a task is a request from its submission until it ends, and none is taken
 * from the moment a suspend begins.
 */
class BackgroundRequestsTest {

    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final AtomicBoolean suspending = new AtomicBoolean();
    private final AtomicInteger requests = new AtomicInteger();
    /** The count of requests each time a request ends. */
    private final BlockingQueue<Integer> ended = new LinkedBlockingQueue<>();
    private final AtomicInteger refusalsTold = new AtomicInteger();
    private final BackgroundRequests work = new BackgroundRequests(task -> {
        if (suspending.get()) {
            throw new RejectedExecutionException("suspending");
        }
        requests.incrementAndGet();
        pool.execute(() -> {
            try {
                task.run();
            } finally {
                ended.add(requests.decrementAndGet());
            }
        });
    }, refusalsTold::incrementAndGet);

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    /** @return once the server's count of requests is back to 0 */
    private void awaitNoRequest() throws InterruptedException {
        while (true) {
            Integer left = ended.poll(30, TimeUnit.SECONDS);
            assertThat(left).as("no request ended in 30 s; %s in progress", requests.get()).isNotNull();
            if (left == 0) {
                return;
            }
        }
    }

    @Test
    void workInProgressIsARequestUntilTheLastOfItEndsAndTakesOneThreadOfTheExecutor() throws Exception {
        BackgroundWork.Counted first = work.begin().orElseThrow();
        BackgroundWork.Counted second = work.begin().orElseThrow();
        assertThat(work.inProgress()).isEqualTo(2);

        first.close();
        assertThat(ended.poll(30, TimeUnit.SECONDS)).as("the second's ask, which did nothing").isEqualTo(1);
        assertThat(ended.poll(200, TimeUnit.MILLISECONDS)).as("the hold, with work in progress").isNull();
        assertThat(requests.get()).as("one request: the hold").isEqualTo(1);

        second.close();
        awaitNoRequest();
        assertThat(work.inProgress()).isZero();

        BackgroundWork.Counted again = work.begin().orElseThrow(); // a hold of its own
        assertThat(requests.get()).isEqualTo(1);
        again.close();
        awaitNoRequest();
    }

    @Test
    void workRefusedIsToldAndNotCountedAndWorkBegunBeforeTheSuspendHoldsItUntilItEnds() throws Exception {
        BackgroundWork.Counted before = work.begin().orElseThrow();
        suspending.set(true);

        Optional<BackgroundWork.Counted> refused = work.begin();

        assertThat(refused).as("work begun while suspending").isEmpty();
        assertThat(refusalsTold.get()).isEqualTo(1);
        assertThat(work.inProgress()).isEqualTo(1);
        assertThat(requests.get()).as("what a suspend waits for").isEqualTo(1);
        before.close();
        awaitNoRequest();

        assertThat(work.begin()).as("refused with nothing in progress").isEmpty();
        assertThat(refusalsTold.get()).isEqualTo(2);
        assertThat(work.inProgress()).isZero();
        suspending.set(false);
        work.begin().orElseThrow().close();
        awaitNoRequest();
    }

    @Test
    void workEndedTwiceEndsOnce() throws Exception {
        BackgroundWork.Counted first = work.begin().orElseThrow();
        BackgroundWork.Counted second = work.begin().orElseThrow();

        first.close();
        first.close();

        assertThat(work.inProgress()).isEqualTo(1);
        second.close();
        awaitNoRequest();
        assertThat(work.inProgress()).isZero();
    }

    /** A run stuck in a plugin's code when the host stops holds neither the server's suspend nor its thread. */
    @Test
    void workStillCountedWhenTheHostStopsIsNoLongerWaitedFor() throws Exception {
        BackgroundWork.Counted stuck = work.begin().orElseThrow();

        work.close();

        awaitNoRequest();
        stuck.close();
        assertThat(work.begin().orElseThrow()).as("after the stop").isSameAs(BackgroundWork.Counted.NOTHING);
        assertThat(requests.get()).isZero();
    }
}
