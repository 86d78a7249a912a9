package io.pluginhost.runtime.descriptor;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads one class-level annotation from a class file without loading the class (JVMS §4.7.16):
 * walks the constant pool, skips fields, notes whether the class declares a public static
 * no-argument {@code provider()} method (what {@link java.util.ServiceLoader} would call instead
 * of the constructor), and decodes the annotation's string and string-array members; other members
 * are skipped. It also judges whether making an instance runs any code of the plugin's own (see
 * {@link ProviderClass#inertConstruction}). What a plugin's {@code @PluginMetadata} holds is
 * read before any of its code can run, and with nothing but the JDK: a general index of the class
 * (Jandex) cost more than the rest of reading a jar.
 */
final class ClassAnnotationReader {

    private static final int MAGIC = 0xCAFEBABE;
    private static final int PUBLIC_STATIC = 0x0001 | 0x0008;
    private static final int MAX_NESTING = 32;
    private static final String OBJECT = "java/lang/Object";
    /**
     * The classes an inert constructor may make: their constructors, given constants or other such
     * objects, call no code of the plugin's, start no thread and never wait.
     */
    static final Set<String> INERT_NEW = Set.of(OBJECT, "java/util/ArrayList", "java/util/LinkedList",
            "java/util/HashMap", "java/util/LinkedHashMap", "java/util/TreeMap", "java/util/HashSet",
            "java/util/LinkedHashSet", "java/util/TreeSet", "java/util/ArrayDeque",
            "java/util/concurrent/ConcurrentHashMap", "java/util/concurrent/ConcurrentLinkedQueue",
            "java/util/concurrent/ConcurrentLinkedDeque", "java/util/concurrent/CopyOnWriteArrayList",
            "java/util/concurrent/CopyOnWriteArraySet", "java/util/concurrent/ConcurrentSkipListMap",
            "java/util/concurrent/ConcurrentSkipListSet", "java/util/concurrent/LinkedBlockingQueue",
            "java/util/concurrent/LinkedBlockingDeque", "java/util/concurrent/CountDownLatch",
            "java/util/concurrent/Semaphore", "java/util/concurrent/atomic/AtomicBoolean",
            "java/util/concurrent/atomic/AtomicInteger", "java/util/concurrent/atomic/AtomicLong",
            "java/util/concurrent/atomic/AtomicReference", "java/util/concurrent/atomic/LongAdder",
            "java/util/concurrent/locks/ReentrantLock", "java/util/concurrent/locks/ReentrantReadWriteLock");

    private ClassAnnotationReader() {
    }

    /**
     * What the engine needs to know of a provider class before loading it.
     *
     * @param annotation     the annotation's members that are strings ({@code String}) or string
     *                       arrays ({@code List<String>}), if the class carries it
     * @param providerMethod whether the class declares {@code public static provider()}
     * @param methods        the names and descriptors of the methods it declares, e.g.
     *                       {@code cleanup()V}, when nothing else can give it methods: it extends
     *                       {@code Object} and implements only interfaces of {@code apiPackage};
     *                       otherwise empty (unknown)
     * @param inertConstruction whether {@code new} of the class runs no code of the plugin's and
     *                       cannot block: the class extends {@code Object}, implements only API
     *                       interfaces, has no static initializer and no {@code provider()} method,
     *                       and its no-argument constructor only stores constants and new JDK
     *                       collections, atomics and locks ({@link #INERT_NEW}) in its own fields,
     *                       with no branch and no handler. Anything else is plugin code, which the
     *                       engine runs within a deadline.
     * @param inertInitialize whether its {@code initialize} runs no code of the plugin's but its own
     *                       straight-line body and cannot block ({@link InertInitialize}): the class
     *                       extends {@code Object}, implements only API interfaces, has no
     *                       {@code provider()} method, and declares {@code initialize}
     */
    record ProviderClass(Optional<Map<String, Object>> annotation, boolean providerMethod,
                         Optional<Set<String>> methods, boolean inertConstruction, boolean inertInitialize) {

        /** @return whether the class may have the method: it does not only if its methods are known and lack it */
        boolean mayHave(String method) {
            return methods.isEmpty() || methods.get().contains(method);
        }
    }

    /**
     * @param classFile      the class file's bytes
     * @param annotationType the annotation's binary name, e.g. {@code io.pluginhost.api.PluginMetadata}
     *                       (visible or invisible at run time)
     * @return what the class file says
     * @throws IOException if the bytes are not a well-formed class file
     */
    static ProviderClass read(byte[] classFile, String annotationType, String apiPackage) throws IOException {
        ClassBytes in = new ClassBytes(classFile);
        if (in.readInt() != MAGIC) {
            throw new IOException("not a class file (bad magic number)");
        }
        in.readUnsignedShort(); // minor
        in.readUnsignedShort(); // major
        int count = in.readUnsignedShort();
        ConstantPool pool = new ConstantPool(count);
        readConstantPool(in, pool);
        in.readUnsignedShort(); // access flags
        int thisClass = in.readUnsignedShort();
        String apiPrefix = apiPackage.replace('.', '/') + "/";
        boolean closed = OBJECT.equals(pool.className(in.readUnsignedShort()));
        int interfaces = in.readUnsignedShort();
        for (int i = 0; i < interfaces; i++) {
            closed &= pool.className(in.readUnsignedShort()).startsWith(apiPrefix);
        }
        String[] utf8 = pool.utf8;
        skipFields(in);
        Set<String> methods = new HashSet<>();
        // where the Code attributes of the no-argument constructor and of initialize(PluginContext) start
        int[] code = {-1, -1};
        String initialize = "initialize(L" + apiPrefix + "PluginContext;)V";
        boolean providerMethod = readMethods(in, utf8, methods, initialize, code);
        Optional<Set<String>> declared = closed ? Optional.of(Set.copyOf(methods)) : Optional.empty();
        boolean inert = closed && !providerMethod && !methods.contains("<clinit>()V") && code[0] >= 0
                && inertConstructor(classFile, code[0], pool, thisClass);
        String descriptor = "L" + annotationType.replace('.', '/') + ";";
        Optional<Map<String, Object>> annotation = Optional.empty();
        int bootstrapMethods = -1;
        int attributes = in.readUnsignedShort();
        for (int i = 0; i < attributes; i++) {
            String name = utf8(utf8, in.readUnsignedShort());
            int length = in.readInt();
            int start = in.take(length);
            int end = in.at;
            in.at = start;
            if (annotation.isEmpty()
                    && (name.equals("RuntimeVisibleAnnotations") || name.equals("RuntimeInvisibleAnnotations"))) {
                int annotations = in.readUnsignedShort();
                for (int a = 0; a < annotations && annotation.isEmpty(); a++) {
                    String type = utf8(utf8, in.readUnsignedShort());
                    Map<String, Object> members = readMembers(in, utf8, 0);
                    if (type.equals(descriptor)) {
                        annotation = Optional.of(members);
                    }
                }
            } else if (name.equals("BootstrapMethods")) {
                bootstrapMethods = in.at;
            }
            in.at = end;
        }
        boolean inertInitialize = closed && !providerMethod && code[1] >= 0
                && InertInitialize.judge(classFile, code[1], pool, thisClass, bootstrapMethods, apiPrefix);
        return new ProviderClass(annotation, providerMethod, declared, inert, inertInitialize);
    }

    /**
     * The constants the reader looks at: UTF-8 strings, class names, and the references a constructor
     * uses; other entries are only tagged.
     */
    static final class ConstantPool {
        final String[] utf8;
        final byte[] tags;
        /**
         * Class: its name's index; Fieldref, Methodref, InterfaceMethodref, NameAndType, InvokeDynamic:
         * both indexes, packed; MethodHandle: the reference's index.
         */
        final int[] refs;

        ConstantPool(int count) {
            utf8 = new String[count];
            tags = new byte[count];
            refs = new int[count];
        }

        String className(int index) throws IOException {
            if (index <= 0 || index >= tags.length || tags[index] != 7) {
                throw new IOException("constant pool index " + index + " is not a class constant");
            }
            return utf8(utf8, refs[index]);
        }

        /** @return whether {@code index} is a reference of {@code tag} (9: field, 10: method) */
        boolean isRef(int index, int tag) {
            return index > 0 && index < tags.length && tags[index] == tag;
        }

        /** @return the class name of a field or method reference */
        String ownerOf(int ref) throws IOException {
            return className(refs[ref] >>> 16);
        }

        /** @return the name and descriptor of a field or method reference, e.g. {@code <init>()V} */
        String memberOf(int ref) throws IOException {
            return utf8(utf8, refs[nameAndType(ref)] >>> 16) + typeOf(ref);
        }

        /** @return the descriptor of a field, method or invokedynamic reference, e.g. {@code ()V} */
        String typeOf(int ref) throws IOException {
            return utf8(utf8, refs[nameAndType(ref)] & 0xFFFF);
        }

        private int nameAndType(int ref) throws IOException {
            int nameAndType = refs[ref] & 0xFFFF;
            if (!isRef(nameAndType, 12)) {
                throw new IOException("constant pool index " + nameAndType + " is not a name and type");
            }
            return nameAndType;
        }
    }

    /** Fills the UTF-8 constants, the tags, and the indexes of classes and references. */
    private static void readConstantPool(ClassBytes in, ConstantPool pool) throws IOException {
        int count = pool.tags.length;
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            pool.tags[i] = (byte) tag;
            switch (tag) {
                case 1 -> pool.utf8[i] = in.readUTF();
                case 7 -> pool.refs[i] = in.readUnsignedShort(); // Class
                case 9, 10, 11, 12 -> pool.refs[i] = in.readInt(); // refs, NameAndType: two indexes
                case 8, 16, 19, 20 -> in.skip(2); // String, MethodType, Module, Package
                case 15 -> { // MethodHandle: its kind, then the reference's index
                    in.skip(1);
                    pool.refs[i] = in.readUnsignedShort();
                }
                case 18 -> pool.refs[i] = in.readInt(); // InvokeDynamic: bootstrap method, NameAndType
                case 3, 4, 17 -> in.skip(4); // Integer, Float, Dynamic
                case 5, 6 -> { // Long, Double take two slots
                    in.skip(8);
                    i++;
                }
                default -> throw new IOException("unknown constant pool tag " + tag + " at index " + i);
            }
        }
    }

    /**
     * Whether a constructor's code only stores constants and new {@link #INERT_NEW} objects in the
     * class's own fields, after calling {@code Object}'s constructor: straight-line code (no branch, so
     * no loop), no handler, and no call but those constructors. Any other instruction is plugin code.
     *
     * @param code where its {@code Code} attribute's contents start
     */
    private static boolean inertConstructor(byte[] bytes, int code, ConstantPool pool, int thisClass)
            throws IOException {
        ClassBytes in = new ClassBytes(bytes);
        in.skip(code + 4); // max_stack, max_locals
        int length = in.readInt();
        int start = in.take(length);
        in.at = start + length;
        if (in.readUnsignedShort() != 0) {
            return false; // an exception handler
        }
        in.at = start;
        while (in.at < start + length) {
            int opcode = in.readUnsignedByte();
            if (opcode >= 0x01 && opcode <= 0x0f || opcode == 0x2a || opcode == 0x59) {
                continue; // constants, aload_0, dup
            }
            switch (opcode) {
                case 0x10 -> in.skip(1); // bipush
                case 0x11 -> in.skip(2); // sipush
                case 0x12, 0x13, 0x14 -> { // ldc, ldc_w, ldc2_w: numbers and strings, no class or dynamic constant
                    int index = opcode == 0x12 ? in.readUnsignedByte() : in.readUnsignedShort();
                    int tag = index < pool.tags.length ? pool.tags[index] : 0;
                    if (tag != 3 && tag != 4 && tag != 5 && tag != 6 && tag != 8) {
                        return false;
                    }
                }
                case 0xb5 -> { // putfield, into a field of this class
                    int field = in.readUnsignedShort();
                    if (!pool.isRef(field, 9) || !pool.ownerOf(field).equals(pool.className(thisClass))) {
                        return false;
                    }
                }
                case 0xbb -> { // new
                    if (!INERT_NEW.contains(pool.className(in.readUnsignedShort()))) {
                        return false;
                    }
                }
                case 0xb7 -> { // invokespecial: a constructor of Object or of a class made above
                    int method = in.readUnsignedShort();
                    if (!pool.isRef(method, 10) || !INERT_NEW.contains(pool.ownerOf(method))
                            || !pool.memberOf(method).startsWith("<init>(")) {
                        return false;
                    }
                }
                case 0xb1 -> {
                    return in.at == start + length; // return, as the last instruction
                }
                default -> {
                    return false;
                }
            }
        }
        return false;
    }

    private static void skipFields(ClassBytes in) throws IOException {
        int count = in.readUnsignedShort();
        for (int i = 0; i < count; i++) {
            in.skip(6); // access, name, descriptor
            int attributes = in.readUnsignedShort();
            for (int a = 0; a < attributes; a++) {
                in.skip(2);
                in.skip(in.readInt());
            }
        }
    }

    /**
     * @param names      where to put each method's name and descriptor
     * @param initialize the name and descriptor of {@code initialize}
     * @param code       where to put the offsets of the no-argument constructor's code and of
     *                   {@code initialize}'s, if the class declares them
     * @return whether one of the methods is a {@code public static provider()} method
     */
    private static boolean readMethods(ClassBytes in, String[] utf8, Set<String> names, String initialize,
                                       int[] code) throws IOException {
        boolean providerMethod = false;
        int count = in.readUnsignedShort();
        for (int i = 0; i < count; i++) {
            int access = in.readUnsignedShort();
            String name = utf8(utf8, in.readUnsignedShort());
            String type = utf8(utf8, in.readUnsignedShort());
            providerMethod |= (access & PUBLIC_STATIC) == PUBLIC_STATIC && name.equals("provider")
                    && type.startsWith("()L");
            names.add(name + type);
            int which = name.equals("<init>") && type.equals("()V") ? 0
                    : (access & 0x0008) == 0 && initialize.equals(name + type) ? 1 : -1;
            int attributes = in.readUnsignedShort();
            for (int a = 0; a < attributes; a++) {
                boolean isCode = utf8(utf8, in.readUnsignedShort()).equals("Code");
                int length = in.readInt();
                if (which >= 0 && isCode) {
                    code[which] = in.at;
                }
                in.skip(length);
            }
        }
        return providerMethod;
    }

    private static Map<String, Object> readMembers(ClassBytes in, String[] utf8, int depth) throws IOException {
        Map<String, Object> members = new LinkedHashMap<>();
        int pairs = in.readUnsignedShort();
        for (int p = 0; p < pairs; p++) {
            String member = utf8(utf8, in.readUnsignedShort());
            Object value = readValue(in, utf8, depth);
            if (value != null) {
                members.put(member, value);
            }
        }
        return members;
    }

    /** @return a string, a list of strings, or {@code null} for a value of another kind (skipped) */
    private static Object readValue(ClassBytes in, String[] utf8, int depth) throws IOException {
        if (depth > MAX_NESTING) {
            // A crafted class file could nest values until this reader's stack overflows.
            throw new IOException("annotation values nested deeper than " + MAX_NESTING);
        }
        int tag = in.readUnsignedByte();
        switch (tag) {
            case 's':
                return utf8(utf8, in.readUnsignedShort());
            case 'B', 'C', 'D', 'F', 'I', 'J', 'S', 'Z', 'c':
                in.skip(2);
                return null;
            case 'e':
                in.skip(4);
                return null;
            case '@':
                in.skip(2);
                readMembers(in, utf8, depth + 1);
                return null;
            case '[':
                int count = in.readUnsignedShort();
                List<String> strings = new ArrayList<>(count);
                boolean allStrings = true;
                for (int i = 0; i < count; i++) {
                    Object element = readValue(in, utf8, depth + 1);
                    if (element instanceof String s) {
                        strings.add(s);
                    } else {
                        allStrings = false;
                    }
                }
                return allStrings ? List.copyOf(strings) : null;
            default:
                throw new IOException("unknown annotation value tag '" + (char) tag + "'");
        }
    }

    static String utf8(String[] pool, int index) throws IOException {
        if (index <= 0 || index >= pool.length || pool[index] == null) {
            throw new IOException("constant pool index " + index + " is not a UTF-8 constant");
        }
        return pool[index];
    }

    /**
     * A class file's bytes read in order, as {@link DataInputStream} would read them, without a
     * synchronized stream call per byte (which made this reader a third of reading a jar).
     */
    static final class ClassBytes {
        private final byte[] bytes;
        int at;

        ClassBytes(byte[] bytes) {
            this.bytes = bytes;
        }

        /** @return where the next {@code count} bytes start, now read */
        int take(int count) throws IOException {
            if (count < 0 || count > bytes.length - at) {
                throw new IOException("truncated class file");
            }
            int start = at;
            at += count;
            return start;
        }

        void skip(int count) throws IOException {
            take(count);
        }

        int readUnsignedByte() throws IOException {
            return bytes[take(1)] & 0xFF;
        }

        int readUnsignedShort() throws IOException {
            int i = take(2);
            return (bytes[i] & 0xFF) << 8 | bytes[i + 1] & 0xFF;
        }

        int readInt() throws IOException {
            int i = take(4);
            return (bytes[i] & 0xFF) << 24 | (bytes[i + 1] & 0xFF) << 16 | (bytes[i + 2] & 0xFF) << 8
                    | bytes[i + 3] & 0xFF;
        }

        /** A CONSTANT_Utf8: modified UTF-8, which is plain ASCII for almost every name. */
        String readUTF() throws IOException {
            int length = readUnsignedShort();
            int start = take(length);
            for (int i = start; i < start + length; i++) {
                if (bytes[i] <= 0) { // a multi-byte sequence, or an encoded NUL
                    return new DataInputStream(new ByteArrayInputStream(bytes, start - 2, length + 2)).readUTF();
                }
            }
            return new String(bytes, start, length, StandardCharsets.ISO_8859_1);
        }
    }
}
