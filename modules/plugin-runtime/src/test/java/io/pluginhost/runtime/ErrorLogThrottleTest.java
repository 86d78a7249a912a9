package io.pluginhost.runtime;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class ErrorLogThrottleTest {

    private final AtomicLong now = new AtomicLong();
    private final List<String> lines = new ArrayList<>();
    private final ErrorLogThrottle throttle = new ErrorLogThrottle(Duration.ofSeconds(10), now::get, lines::add);

    @Test
    void theFirstErrorOfAPluginsCallbackKindIsLoggedAndTheNextOnlyAfterTheIntervalWithTheCountLeftOut() {
        for (int i = 0; i < 500; i++) {
            throttle.report("noisy", "task", "plugin 'noisy' failed in a scheduled task: boom " + i);
        }
        now.addAndGet(Duration.ofSeconds(10).toNanos());
        throttle.report("noisy", "task", "plugin 'noisy' failed in a scheduled task: boom 500");
        throttle.report("noisy", "task", "plugin 'noisy' failed in a scheduled task: boom 501");

        assertThat(lines).containsExactly(
                "plugin 'noisy' failed in a scheduled task: boom 0",
                "plugin 'noisy' failed in a scheduled task: boom 500 (499 more errors of its scheduled tasks in the"
                        + " last 10 s were not logged; its metrics count every one)");
    }

    @Test
    void eachPluginAndKindHasItsOwnInterval() {
        throttle.report("a", "task", "a task");
        throttle.report("a", "listener", "a listener");
        throttle.report("b", "task", "b task");
        throttle.report(null, "listener", "host listener");
        throttle.report("a", "task", "a task again");

        assertThat(lines).containsExactly("a task", "a listener", "b task", "host listener");
    }

    @Test
    void whatWasLeftOutIsToldWhenThePluginUnloadsAndItsNextLoadStartsAfresh() {
        throttle.report("noisy", "listener", "first");
        throttle.report("noisy", "listener", "second");
        throttle.report("noisy", "listener", "third");
        throttle.report("quiet", "listener", "one");

        throttle.forget("noisy");
        throttle.forget("quiet");
        throttle.report("noisy", "listener", "after a reload");

        assertThat(lines).containsExactly("first", "one",
                "plugin 'noisy' unloaded with 2 more errors of its event listeners not logged; its metrics count every"
                        + " one",
                "after a reload");
    }
}
