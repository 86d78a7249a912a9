package io.pluginhost.runtime.testing;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;

/**
 * Drives the garbage collector until a weak reference clears, as class unloading needs a real GC
 * cycle. Each step waits for evidence that a collection ran and processed references (a sentinel of
 * its own is enqueued), not for a fixed time.
 */
public final class Gc {

    private static final int MAX_CYCLES = 100;

    private Gc() {
    }

    /**
     * @param reference what should become unreachable
     * @return whether it was collected within 100 collections
     */
    public static boolean collects(WeakReference<?> reference) {
        for (int i = 0; i < MAX_CYCLES && reference.get() != null; i++) {
            if (!cycle()) {
                return false;
            }
        }
        return reference.get() == null;
    }

    /**
     * @param notCollected what the engine reports as unloaded but not collected
     * @return whether that became empty within 100 collections
     */
    public static boolean collectsAll(java.util.function.Supplier<List<String>> notCollected) {
        for (int i = 0; i < MAX_CYCLES && !notCollected.get().isEmpty(); i++) {
            if (!cycle()) {
                return false;
            }
        }
        return notCollected.get().isEmpty();
    }

    /** Runs a few full collections so class metadata of unreachable loaders is freed. */
    public static void settle() {
        for (int i = 0; i < 3; i++) {
            if (!cycle()) {
                return;
            }
        }
    }

    /**
     * One collection with allocation pressure, waiting until the collector has cleared and enqueued a
     * fresh sentinel: then references of the same age have been processed too.
     *
     * @return false if interrupted
     */
    private static boolean cycle() {
        ReferenceQueue<Object> queue = new ReferenceQueue<>();
        WeakReference<Object> sentinel = new WeakReference<>(new Object(), queue);
        try {
            for (int attempt = 0; attempt < 20; attempt++) {
                System.gc();
                List<byte[]> pressure = new ArrayList<>();
                for (int j = 0; j < 16; j++) {
                    pressure.add(new byte[256 * 1024]);
                }
                pressure.clear();
                if (queue.remove(100) != null) {
                    return true;
                }
            }
            return sentinel.get() == null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
