package io.pluginhost.host;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A heap analysis asked for twice (two operators, a double click) ran twice at once: two heap dumps on
 * disk and two analyses in the server's heap. A caller that asks while one runs gets its result.
 */
class SharedRunTest {

    @Test
    void aCallerThatAsksWhileTheTaskRunsGetsItsResultAndALaterCallerRunsItAgain() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        SharedRun<String> shared = new SharedRun<>(() -> {
            int run = runs.incrementAndGet();
            started.countDown();
            await(release);
            return "run " + run;
        });

        CompletableFuture<String> first = CompletableFuture.supplyAsync(shared::get);
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<String> second = new CompletableFuture<>();
        Thread asker = new Thread(() -> second.complete(shared.get()));
        asker.start();
        while (asker.getState() != Thread.State.WAITING && !second.isDone()) {
            Thread.onSpinWait(); // the second caller waits for the run in progress, or ran it itself
        }
        release.countDown();

        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("run 1");
        assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo("run 1");
        assertThat(shared.get()).as("asked after the run ended").isEqualTo("run 2");
    }

    @Test
    void aFailureReachesEveryCallerOfThatRunAndTheNextRunIsTried() {
        AtomicInteger runs = new AtomicInteger();
        SharedRun<String> shared = new SharedRun<>(() -> {
            if (runs.incrementAndGet() == 1) {
                throw new IllegalStateException("no disk");
            }
            return "ok";
        });

        assertThatThrownBy(shared::get).isInstanceOf(IllegalStateException.class).hasMessage("no disk");
        assertThat(shared.get()).isEqualTo("ok");
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
