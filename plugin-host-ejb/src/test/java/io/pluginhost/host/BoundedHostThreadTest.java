package io.pluginhost.host;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class BoundedHostThreadTest {

    @Test
    void tasksRunInTheOrderGivenOnOneThreadAndOneThatThrowsStopsNoOther() {
        List<String> ran = new CopyOnWriteArrayList<>();
        List<Thread> threads = new CopyOnWriteArrayList<>();
        BoundedHostThread thread = new BoundedHostThread("in a test", 100, 1_000, Thread::new);
        for (int i = 0; i < 50; i++) {
            String name = "task-" + i;
            thread.execute(() -> {
                threads.add(Thread.currentThread());
                ran.add(name);
                if (name.equals("task-10")) {
                    throw new IllegalStateException("a failing reaction");
                }
            });
        }
        thread.close();

        assertThat(ran).hasSize(50).startsWith("task-0", "task-1").endsWith("task-49");
        assertThat(ran).isSortedAccordingTo((a, b) -> Integer.compare(number(a), number(b)));
        assertThat(threads).containsOnly(threads.get(0));
    }

    @Test
    void pastItsCapacityATaskIsDroppedWithoutBlockingTheCaller() throws Exception {
        CountDownLatch busy = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<Integer> ran = new CopyOnWriteArrayList<>();
        BoundedHostThread thread = new BoundedHostThread("in a test", 10, 1_000, Thread::new);
        thread.execute(() -> {
            busy.countDown();
            await(release);
        });
        assertThat(busy.await(10, TimeUnit.SECONDS)).isTrue();

        for (int i = 0; i < 25; i++) {
            int n = i;
            thread.execute(() -> ran.add(n)); // returns at once, full or not
        }
        release.countDown();
        thread.close();

        assertThat(ran).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
    }

    @Test
    void pastItsPayloadBoundATaskIsDroppedAndOneLargerThanTheBoundPassesWhenNothingWaits() throws Exception {
        CountDownLatch busy = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<String> ran = new CopyOnWriteArrayList<>();
        BoundedHostThread thread = new BoundedHostThread("in a test", 100, 1_000, Thread::new);
        thread.execute(() -> {
            busy.countDown();
            await(release);
        });
        assertThat(busy.await(10, TimeUnit.SECONDS)).isTrue();

        thread.execute(() -> ran.add("huge"), 5_000); // nothing waits: it passes
        thread.execute(() -> ran.add("small"), 10); // 5,000 wait: dropped
        release.countDown();
        thread.close();

        assertThat(ran).containsExactly("huge");
        BoundedHostThread second = new BoundedHostThread("in a test", 100, 1_000, Thread::new);
        CountDownLatch hold = new CountDownLatch(1);
        second.execute(() -> await(hold));
        for (int i = 0; i < 30; i++) {
            int n = i;
            second.execute(() -> ran.add("p" + n), 100); // ten fit in 1,000 characters
        }
        hold.countDown();
        second.close();
        assertThat(ran).containsExactly("huge", "p0", "p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8", "p9");
    }

    private static int number(String task) {
        return Integer.parseInt(task.substring("task-".length()));
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
