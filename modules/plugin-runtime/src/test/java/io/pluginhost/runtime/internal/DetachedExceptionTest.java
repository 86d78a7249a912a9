package io.pluginhost.runtime.internal;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.sql.SQLException;

import static org.assertj.core.api.Assertions.assertThat;

class DetachedExceptionTest {

    @Test
    void copiesMessageStackCauseChainAndSuppressedAsText() {
        SQLException root = new SQLException("connection refused");
        IllegalStateException middle = new IllegalStateException("pool exhausted", root);
        RuntimeException top = new RuntimeException("could not open the repository", middle);
        top.addSuppressed(new IOException("while closing"));

        DetachedException copy = DetachedException.of(top);

        assertThat(copy).hasMessage("java.lang.RuntimeException: could not open the repository");
        assertThat(copy.originalClassName()).isEqualTo("java.lang.RuntimeException");
        assertThat(copy.getStackTrace()).isEqualTo(top.getStackTrace());
        assertThat(copy.getCause()).isInstanceOf(DetachedException.class)
                .hasMessage("java.lang.IllegalStateException: pool exhausted");
        assertThat(copy.getCause().getCause()).isInstanceOf(DetachedException.class)
                .hasMessage("java.sql.SQLException: connection refused");
        assertThat(copy.getCause().getCause().getCause()).isNull();
        assertThat(copy.getSuppressed()).hasSize(1);
        assertThat(copy.getSuppressed()[0]).isInstanceOf(DetachedException.class).hasMessageContaining("while closing");
    }

    @Test
    void aCauseCycleIsCopiedOnce() {
        IllegalStateException a = new IllegalStateException("a");
        IllegalStateException b = new IllegalStateException("b", a);
        a.initCause(b);

        DetachedException copy = DetachedException.of(a);

        assertThat(copy.getCause().getCause()).isSameAs(copy);
    }

    @Test
    void anExceptionWithoutMessageKeepsItsClassName() {
        assertThat(DetachedException.of(new NullPointerException())).hasMessage("java.lang.NullPointerException");
        assertThat(DetachedException.of(null)).isNull();
    }
}
