package io.pluginhost.leaks;

import shark.HeapAnalysis;
import shark.HeapAnalysisFailure;
import shark.HeapAnalysisSuccess;
import shark.HeapAnalyzer;
import shark.HeapField;
import shark.HeapObject;
import shark.HeapValue;
import shark.IgnoredReferenceMatcher;
import shark.LeakTrace;
import shark.LeakingObjectFinder;
import shark.MetadataExtractor;
import shark.OnAnalysisProgressListener;
import shark.ReferenceMatcher;
import shark.ReferencePattern;

import javax.management.JMException;
import javax.management.ObjectName;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Says why an unloaded plugin's class loader is still in memory: the path from a GC root (a thread,
 * a static field, a JNI global, ...) to the loader, read from a heap dump of this JVM with LeakCanary's
 * analyser, as IntelliJ does for dynamic plugins that fail to unload.
 *
 * <p>How it finds the loaders: the engine watches each unloaded plugin's loader through a weak
 * reference ({@code LeakWatch$ReleasedLoader}, which also holds the plugin's name); in the dump, the
 * referents of those references are exactly the loaders still alive. Weak references are not paths,
 * so the analyser reports the strong path that keeps each one.
 *
 * <p>Bounded: no dump when the used heap exceeds {@code maxHeapBytes} (a dump of a large heap takes
 * disk and time a diagnostic should not), the analysis is abandoned after {@code timeout}, and the
 * dump file is deleted whatever happens. Dumping pauses the JVM for about as long as a full GC.
 */
public final class LoaderLeakAnalyzer {

    private static final String RELEASED_LOADER = "io.pluginhost.runtime.lifecycle.LeakWatch$ReleasedLoader";
    /** Weak, soft and phantom referents keep nothing alive: never a path. */
    private static final List<ReferenceMatcher> NOT_PATHS = List.of(new IgnoredReferenceMatcher(
            new ReferencePattern.InstanceFieldPattern("java.lang.ref.Reference", "referent")));

    private final Path workDirectory;
    private final Duration timeout;
    private final long maxHeapBytes;

    /**
     * @param workDirectory where the temporary dump is written (and deleted)
     * @param timeout       how long the analysis may take
     * @param maxHeapBytes  the largest used heap that is dumped
     */
    public LoaderLeakAnalyzer(Path workDirectory, Duration timeout, long maxHeapBytes) {
        this.workDirectory = workDirectory;
        this.timeout = timeout;
        this.maxHeapBytes = maxHeapBytes;
    }

    /**
     * @return for every unloaded plugin (name@version) whose loader is still reachable, the path that
     *         keeps it, from a GC root; empty if none is
     * @throws LeakAnalysisException if the heap is too large, the analysis fails or takes too long
     */
    public Map<String, String> explain() {
        long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        if (used > maxHeapBytes) {
            throw new LeakAnalysisException("the heap holds " + (used >> 20) + " MiB, more than the " + (maxHeapBytes >> 20)
                    + " MiB a leak analysis may dump (pluginhost.leaks.max-heap-mb)");
        }
        Path dump = null;
        try {
            Files.createDirectories(workDirectory);
            dump = Files.createTempFile(workDirectory, "pluginhost-leaks-", ".hprof");
            Files.delete(dump); // dumpHeap refuses an existing file
            dumpHeap(dump);
            Path file = dump;
            FutureTask<Map<String, String>> analysis = new FutureTask<>(() -> analyze(file));
            Thread worker = new Thread(analysis, "pluginhost-leak-analysis");
            worker.setDaemon(true);
            worker.start();
            try {
                return analysis.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                worker.interrupt();
                throw new LeakAnalysisException("the leak analysis took longer than " + timeout + " and was abandoned");
            } catch (ExecutionException e) {
                throw new LeakAnalysisException("the leak analysis failed: " + e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LeakAnalysisException("interrupted during the leak analysis");
            }
        } catch (IOException e) {
            throw new LeakAnalysisException("cannot write a heap dump to " + workDirectory + ": " + e.getMessage());
        } finally {
            deleteQuietly(dump);
        }
    }

    /**
     * Live objects only (a full GC first). Through the platform MBean server rather than
     * {@code com.sun.management.HotSpotDiagnosticMXBean}: a WildFly deployment cannot link that type.
     */
    private static void dumpHeap(Path file) {
        try {
            ManagementFactory.getPlatformMBeanServer().invoke(new ObjectName("com.sun.management:type=HotSpotDiagnostic"),
                    "dumpHeap", new Object[] {file.toString(), Boolean.TRUE},
                    new String[] {String.class.getName(), boolean.class.getName()});
        } catch (JMException e) {
            throw new LeakAnalysisException("this JVM cannot dump its heap: " + e.getMessage());
        }
    }

    private static Map<String, String> analyze(Path dump) {
        Map<String, String> verdicts = new LinkedHashMap<>();
        for (Map.Entry<Long, String> leaked : leakedLoaders(dump).entrySet()) {
            HeapAnalysis analysis = new HeapAnalyzer(OnAnalysisProgressListener.Companion.getNO_OP()).analyze(
                    dump.toFile(), keptFor(leaked.getKey()), NOT_PATHS, false, List.of(),
                    MetadataExtractor.Companion.getNO_OP(), null);
            verdicts.put(leaked.getValue(), verdict(analysis));
        }
        return verdicts;
    }

    /**
     * Whatever keeps a loader: the loader itself (a thread's context loader, a field), the classes it
     * defined (a {@code Class} kept somewhere) and their instances (an object of the plugin's kept by
     * the host). The analyser follows fields, not an object's class, so all three are targets.
     */
    private static LeakingObjectFinder keptFor(long loader) {
        return graph -> {
            Set<Long> targets = new HashSet<>();
            targets.add(loader);
            Set<Long> classes = new HashSet<>();
            Iterator<HeapObject.HeapClass> all = graph.getClasses().iterator();
            while (all.hasNext()) {
                HeapObject.HeapClass type = all.next();
                if (type.readRecord().getClassLoaderId() == loader) {
                    classes.add(type.getObjectId());
                }
            }
            targets.addAll(classes);
            Iterator<HeapObject.HeapInstance> instances = graph.getInstances().iterator();
            while (instances.hasNext()) {
                HeapObject.HeapInstance instance = instances.next();
                if (classes.contains(instance.getInstanceClassId())) {
                    targets.add(instance.getObjectId());
                }
            }
            return targets;
        };
    }

    /** @return the object ids of the loaders the engine's weak references still point at, with their plugins */
    private static Map<Long, String> leakedLoaders(Path dump) {
        Map<Long, String> found = new LinkedHashMap<>();
        LeakingObjectFinder collect = graph -> {
            Iterator<HeapObject.HeapInstance> instances = graph.getInstances().iterator();
            while (instances.hasNext()) {
                HeapObject.HeapInstance instance = instances.next();
                if (!instance.getInstanceClassName().equals(RELEASED_LOADER)) {
                    continue;
                }
                HeapField referent = instance.readField("java.lang.ref.Reference", "referent");
                HeapField plugin = instance.readField(RELEASED_LOADER, "plugin");
                Long loader = referent == null ? null : referent.getValue().getAsObjectId();
                if (loader != null && loader != 0L && plugin != null) {
                    HeapValue name = plugin.getValue();
                    found.put(loader, String.valueOf(name.readAsJavaString()));
                }
            }
            return Set.of();
        };
        new HeapAnalyzer(OnAnalysisProgressListener.Companion.getNO_OP()).analyze(dump.toFile(), collect, List.of(),
                false, List.of(), MetadataExtractor.Companion.getNO_OP(), null);
        return found;
    }

    /** The shortest distinct paths (at most three): the first is usually the whole answer. */
    private static String verdict(HeapAnalysis analysis) {
        if (analysis instanceof HeapAnalysisFailure failure) {
            return "analysis failed: " + failure.getException().getMessage();
        }
        List<LeakTrace> traces = new ArrayList<>();
        Iterator<shark.Leak> leaks = ((HeapAnalysisSuccess) analysis).getAllLeaks().iterator();
        while (leaks.hasNext()) {
            traces.addAll(leaks.next().getLeakTraces());
        }
        traces.sort(Comparator.comparingInt(trace -> trace.getReferencePath().size()));
        Map<String, String> distinct = new LinkedHashMap<>();
        for (LeakTrace trace : traces) {
            distinct.putIfAbsent(trace.getSignature(), trace.toSimplePathString());
        }
        return distinct.isEmpty() ? "no strong path from a GC root: it will be collected by the next full GC"
                : String.join("\n", distinct.values().stream().limit(3).toList());
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a temporary file in the work directory; nothing else to do
            }
        }
    }
}
