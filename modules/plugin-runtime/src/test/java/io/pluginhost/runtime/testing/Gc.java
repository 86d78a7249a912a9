package io.pluginhost.runtime.testing;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;

/** Drives the garbage collector until a weak reference clears, as class unloading needs a real GC cycle. */
public final class Gc {

    private Gc() {
    }

    /**
     * @param reference what should become unreachable
     * @return whether it was collected within about five seconds
     */
    public static boolean collects(WeakReference<?> reference) {
        for (int i = 0; i < 100 && reference.get() != null; i++) {
            System.gc();
            List<byte[]> pressure = new ArrayList<>();
            for (int j = 0; j < 16; j++) {
                pressure.add(new byte[256 * 1024]);
            }
            pressure.clear();
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return reference.get() == null;
    }

    /**
     * @param notCollected what the engine reports as unloaded but not collected
     * @return whether that became empty within about five seconds of collections
     */
    public static boolean collectsAll(java.util.function.Supplier<List<String>> notCollected) {
        for (int i = 0; i < 100 && !notCollected.get().isEmpty(); i++) {
            collects(new WeakReference<>(new Object()));
            settle();
        }
        return notCollected.get().isEmpty();
    }

    /** Runs a few full collections so class metadata of unreachable loaders is freed. */
    public static void settle() {
        for (int i = 0; i < 3; i++) {
            System.gc();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
