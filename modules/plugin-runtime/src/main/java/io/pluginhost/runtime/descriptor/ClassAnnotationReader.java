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
 * are skipped. What a plugin's {@code @PluginMetadata} holds is
 * read before any of its code can run, and with nothing but the JDK: a general index of the class
 * (Jandex) cost more than the rest of reading a jar.
 */
final class ClassAnnotationReader {

    private static final int MAGIC = 0xCAFEBABE;
    private static final int PUBLIC_STATIC = 0x0001 | 0x0008;
    private static final int MAX_NESTING = 32;

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
     */
    record ProviderClass(Optional<Map<String, Object>> annotation, boolean providerMethod,
                         Optional<Set<String>> methods) {

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
        String[] utf8 = new String[count];
        int[] classNameIndex = new int[count];
        readConstantPool(in, utf8, classNameIndex);
        in.readUnsignedShort(); // access flags
        in.readUnsignedShort(); // this class
        String apiPrefix = apiPackage.replace('.', '/') + "/";
        boolean closed = "java/lang/Object".equals(className(utf8, classNameIndex, in.readUnsignedShort()));
        int interfaces = in.readUnsignedShort();
        for (int i = 0; i < interfaces; i++) {
            closed &= className(utf8, classNameIndex, in.readUnsignedShort()).startsWith(apiPrefix);
        }
        skipMembers(in, utf8, null); // fields
        Set<String> methods = new HashSet<>();
        boolean providerMethod = skipMembers(in, utf8, methods); // methods
        Optional<Set<String>> declared = closed ? Optional.of(Set.copyOf(methods)) : Optional.empty();
        String descriptor = "L" + annotationType.replace('.', '/') + ";";
        int attributes = in.readUnsignedShort();
        for (int i = 0; i < attributes; i++) {
            String name = utf8(utf8, in.readUnsignedShort());
            int length = in.readInt();
            if (name.equals("RuntimeVisibleAnnotations") || name.equals("RuntimeInvisibleAnnotations")) {
                int annotations = in.readUnsignedShort();
                for (int a = 0; a < annotations; a++) {
                    String type = utf8(utf8, in.readUnsignedShort());
                    Map<String, Object> members = readMembers(in, utf8, 0);
                    if (type.equals(descriptor)) {
                        return new ProviderClass(Optional.of(members), providerMethod, declared);
                    }
                }
            } else {
                in.skip(length);
            }
        }
        return new ProviderClass(Optional.empty(), providerMethod, declared);
    }

    /** Fills the UTF-8 constants and the name index of each class constant; other entries are skipped. */
    private static void readConstantPool(ClassBytes in, String[] utf8, int[] classNameIndex) throws IOException {
        int count = utf8.length;
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1 -> utf8[i] = in.readUTF();
                case 7 -> classNameIndex[i] = in.readUnsignedShort(); // Class
                case 8, 16, 19, 20 -> in.skip(2); // String, MethodType, Module, Package
                case 15 -> in.skip(3); // MethodHandle
                case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skip(4); // Integer, Float, refs, NameAndType, Dynamic
                case 5, 6 -> { // Long, Double take two slots
                    in.skip(8);
                    i++;
                }
                default -> throw new IOException("unknown constant pool tag " + tag + " at index " + i);
            }
        }
    }

    private static String className(String[] utf8, int[] classNameIndex, int index) throws IOException {
        if (index <= 0 || index >= classNameIndex.length || classNameIndex[index] == 0) {
            throw new IOException("constant pool index " + index + " is not a class constant");
        }
        return utf8(utf8, classNameIndex[index]);
    }

    /**
     * @param names where to put each member's name and descriptor, or {@code null}
     * @return whether one of the members is a {@code public static provider()} method
     */
    private static boolean skipMembers(ClassBytes in, String[] utf8, Set<String> names) throws IOException {
        boolean providerMethod = false;
        int count = in.readUnsignedShort();
        for (int i = 0; i < count; i++) {
            int access = in.readUnsignedShort();
            String name = utf8(utf8, in.readUnsignedShort());
            String type = utf8(utf8, in.readUnsignedShort());
            providerMethod |= (access & PUBLIC_STATIC) == PUBLIC_STATIC && name.equals("provider")
                    && type.startsWith("()L");
            if (names != null) {
                names.add(name + type);
            }
            int attributes = in.readUnsignedShort();
            for (int a = 0; a < attributes; a++) {
                in.skip(2);
                in.skip(in.readInt());
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

    private static String utf8(String[] pool, int index) throws IOException {
        if (index <= 0 || index >= pool.length || pool[index] == null) {
            throw new IOException("constant pool index " + index + " is not a UTF-8 constant");
        }
        return pool[index];
    }

    /**
     * A class file's bytes read in order, as {@link DataInputStream} would read them, without a
     * synchronized stream call per byte (which made this reader a third of reading a jar).
     */
    private static final class ClassBytes {
        private final byte[] bytes;
        private int at;

        ClassBytes(byte[] bytes) {
            this.bytes = bytes;
        }

        /** @return where the next {@code count} bytes start, now read */
        private int take(int count) throws IOException {
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
