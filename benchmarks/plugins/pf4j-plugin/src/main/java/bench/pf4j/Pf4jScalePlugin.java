package bench.pf4j;

import org.pf4j.Plugin;

import java.util.function.Consumer;
import java.util.function.Supplier;

/** Counts the events the benchmark hands it ({@link #accept}); {@link #get} answers the count. */
public final class Pf4jScalePlugin extends Plugin implements Consumer<Object>, Supplier<Object> {

    private int seen;

    @Override
    public void accept(Object event) {
        seen++;
    }

    @Override
    public Object get() {
        return seen;
    }
}
