package io.pluginhost.runtime.descriptor;

import java.io.IOException;
import java.util.Map;
import java.util.Set;

/**
 * Judges from a provider's class file whether its {@code initialize(PluginContext)} runs no code of
 * the plugin's but its own body and cannot block, so that the engine may call it on the caller's
 * thread instead of handing it to the lifecycle worker (a thread wake-up, 3 to 80 µs on a 2-core VM,
 * often more than such an initialize itself).
 *
 * <p>What passes is straight-line code (no branch, so no loop; no exception handler; {@code return}
 * last) that moves values between the stack, its locals and its own class's fields, and calls only:
 * the host's context, event bus and settings through the API methods in {@link #HOST_METHODS}, on
 * the context it was given or on what those methods returned (never on an object of unknown origin:
 * a dependency or a field may be a plugin's own implementation of the same interface); the
 * constructors of {@link ClassAnnotationReader#INERT_NEW} with primitive arguments; a few pure JDK
 * factories with primitive or string arguments ({@link #PURE_STATIC}); and {@code invokedynamic}
 * that makes a lambda (which links, but does not run, the lambda's body) or concatenates strings
 * and primitives. Everything else may run plugin code (its own methods, other plugins' listeners
 * through {@code emit}, a class's static initializer, an object's {@code toString}) or wait, and the
 * answer is {@code false}: the engine then runs it on the worker, under its deadline, as before.
 * The host methods named here do not call plugin code and do not wait but for the event hub's
 * short locks: a listener is kept by identity, never asked for its hash.
 */
final class InertInitialize {

    /** A value that may be anything, plugin objects included. */
    private static final int OTHER = 0;
    /** The context the engine passed, or a host object one of {@link #HOST_METHODS} returned. */
    private static final int HOST = 1;
    /** A {@code long} or a {@code double}: two slots of the JVM's stack, one entry here. */
    private static final int WIDE = 2;

    /**
     * The API methods an inert initialize may call on host objects, as the interface's simple name,
     * the method's name and its descriptor with the API package left out; mapped to whether what they
     * return is a host object on which these methods may be called in turn.
     */
    private static final Map<String, Boolean> HOST_METHODS = Map.ofEntries(
            Map.entry("PluginContext.eventBus()LEventBus;", true),
            Map.entry("PluginContext.config()LPluginConfig;", true),
            Map.entry("PluginContext.descriptor()LPluginDescriptor;", false),
            Map.entry("PluginContext.getDependency(Ljava/lang/String;)LPlugin;", false),
            Map.entry("PluginContext.getDependency(Ljava/lang/String;Ljava/lang/Class;)Ljava/lang/Object;", false),
            Map.entry("PluginContext.findDependency(Ljava/lang/String;Ljava/lang/Class;)Ljava/util/Optional;", false),
            Map.entry("PluginContext.hasDependency(Ljava/lang/String;)Z", false),
            Map.entry("PluginContext.getDependencies()Ljava/util/Map;", false),
            Map.entry("EventBus.on(Ljava/lang/String;LEventListener;)V", false),
            Map.entry("EventBus.once(Ljava/lang/String;LEventListener;)V", false),
            Map.entry("EventBus.off(Ljava/lang/String;LEventListener;)Z", false),
            Map.entry("PluginConfig.get(Ljava/lang/String;)Ljava/util/Optional;", false),
            Map.entry("PluginConfig.get(Ljava/lang/String;Ljava/lang/String;)Ljava/lang/String;", false),
            Map.entry("PluginConfig.getInt(Ljava/lang/String;I)I", false),
            Map.entry("PluginConfig.getLong(Ljava/lang/String;J)J", false),
            Map.entry("PluginConfig.getDouble(Ljava/lang/String;D)D", false),
            Map.entry("PluginConfig.getBoolean(Ljava/lang/String;Z)Z", false),
            Map.entry("PluginConfig.getDuration(Ljava/lang/String;Ljava/time/Duration;)Ljava/time/Duration;", false),
            Map.entry("PluginConfig.keys()Ljava/util/Set;", false),
            Map.entry("PluginConfig.asMap()Ljava/util/Map;", false));

    /** Static JDK methods that only compute a value from primitives or strings. */
    private static final Set<String> PURE_STATIC = Set.of("java/time/Duration.ofDays", "java/time/Duration.ofHours",
            "java/time/Duration.ofMinutes", "java/time/Duration.ofSeconds", "java/time/Duration.ofMillis",
            "java/time/Duration.ofNanos", "java/lang/Integer.valueOf", "java/lang/Long.valueOf",
            "java/lang/Boolean.valueOf", "java/lang/Double.valueOf");

    private static final String STRING = "java/lang/String";

    private InertInitialize() {
    }

    /**
     * @param classFile        the provider's class file
     * @param code             where {@code initialize}'s {@code Code} attribute's contents start
     * @param pool             the class file's constants
     * @param thisClass        the constant of the class itself
     * @param bootstrapMethods where the {@code BootstrapMethods} attribute's contents start, or -1
     * @param apiPrefix        the API package as a path prefix, e.g. {@code io/pluginhost/api/}
     * @return whether that {@code initialize} is inert (see the class comment)
     */
    static boolean judge(byte[] classFile, int code, ClassAnnotationReader.ConstantPool pool, int thisClass,
                         int bootstrapMethods, String apiPrefix) throws IOException {
        ClassAnnotationReader.ClassBytes in = new ClassAnnotationReader.ClassBytes(classFile);
        in.at = code;
        int maxStack = in.readUnsignedShort();
        int maxLocals = in.readUnsignedShort();
        int length = in.readInt();
        int start = in.take(length);
        if (in.readUnsignedShort() != 0 || maxLocals < 2) {
            return false; // an exception handler; or not an instance method with one parameter
        }
        Frame frame = new Frame(maxStack, maxLocals);
        String self = pool.className(thisClass);
        int end = start + length;
        in.at = start;
        while (in.at < end) {
            int opcode = in.readUnsignedByte();
            if (opcode == 0xb1) { // return
                return in.at == end;
            }
            if (!step(opcode, in, frame, pool, self, classFile, bootstrapMethods, apiPrefix)) {
                return false;
            }
        }
        return false;
    }

    /** The operand stack and the locals, each entry {@link #OTHER}, {@link #HOST} or {@link #WIDE}. */
    private static final class Frame {
        final int[] stack;
        int top;
        final int[] locals;

        Frame(int maxStack, int maxLocals) {
            stack = new int[maxStack];
            locals = new int[maxLocals];
            locals[1] = HOST; // the context; locals[0] is this, a plugin object
        }

        boolean push(int value) {
            if (top == stack.length) {
                return false;
            }
            stack[top++] = value;
            return true;
        }

        /** @return the value on top, taken off, or -1 if the stack is empty */
        int pop() {
            return top == 0 ? -1 : stack[--top];
        }

        /** @return whether a one-slot value was on top, now taken off */
        boolean popNarrow() {
            int value = pop();
            return value == OTHER || value == HOST;
        }

        boolean load(int slot, boolean wide) {
            return slot < locals.length && push(wide ? WIDE : locals[slot]);
        }

        boolean store(int slot, boolean wide) {
            int value = pop();
            if (wide ? value != WIDE : value != OTHER && value != HOST) {
                return false;
            }
            if (slot + (wide ? 1 : 0) >= locals.length) {
                return false;
            }
            locals[slot] = wide ? OTHER : value;
            if (wide) {
                locals[slot + 1] = OTHER;
            }
            return true;
        }

        /** Takes a method's arguments off the stack; their origin does not matter to the methods allowed. */
        boolean popArguments(int[] sizes) {
            for (int i = sizes.length - 1; i >= 0; i--) {
                int value = pop();
                if (value < 0 || (value == WIDE) != (sizes[i] == 2)) {
                    return false;
                }
            }
            return true;
        }

        /** Pushes what a method or field of this descriptor's type gives, unless it is void. */
        boolean pushResult(char type, int kind) {
            return switch (type) {
                case 'V' -> true;
                case 'J', 'D' -> push(WIDE);
                default -> push(kind);
            };
        }
    }

    /** @return whether the instruction is one an inert initialize may run; its effect is on the frame */
    private static boolean step(int opcode, ClassAnnotationReader.ClassBytes in, Frame frame,
                                ClassAnnotationReader.ConstantPool pool, String self, byte[] classFile,
                                int bootstrapMethods, String apiPrefix) throws IOException {
        switch (opcode) {
            case 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x0b, 0x0c, 0x0d: // aconst_null, iconst, fconst
                return frame.push(OTHER);
            case 0x09, 0x0a, 0x0e, 0x0f: // lconst, dconst
                return frame.push(WIDE);
            case 0x10: // bipush
                in.skip(1);
                return frame.push(OTHER);
            case 0x11: // sipush
                in.skip(2);
                return frame.push(OTHER);
            case 0x12, 0x13: { // ldc, ldc_w: an int, float, class or string (a class is loaded, not initialized)
                int tag = tag(pool, opcode == 0x12 ? in.readUnsignedByte() : in.readUnsignedShort());
                return (tag == 3 || tag == 4 || tag == 7 || tag == 8) && frame.push(OTHER);
            }
            case 0x14: { // ldc2_w: a long or a double
                int tag = tag(pool, in.readUnsignedShort());
                return (tag == 5 || tag == 6) && frame.push(WIDE);
            }
            case 0x15, 0x17, 0x19: // iload, fload, aload
                return frame.load(in.readUnsignedByte(), false);
            case 0x16, 0x18: // lload, dload
                return frame.load(in.readUnsignedByte(), true);
            case 0x36, 0x38, 0x3a: // istore, fstore, astore
                return frame.store(in.readUnsignedByte(), false);
            case 0x37, 0x39: // lstore, dstore
                return frame.store(in.readUnsignedByte(), true);
            case 0x57: // pop
                return frame.popNarrow();
            case 0x58: { // pop2: a long or double, or two one-slot values
                int value = frame.pop();
                return value == WIDE || (value == OTHER || value == HOST) && frame.popNarrow();
            }
            case 0x59: { // dup
                int value = frame.pop();
                return (value == OTHER || value == HOST) && frame.push(value) && frame.push(value);
            }
            case 0xb2, 0xb3, 0xb4, 0xb5: // getstatic, putstatic, getfield, putfield: the class's own fields
                return field(opcode, in.readUnsignedShort(), frame, pool, self);
            case 0xc0: // checkcast: loads the class, initializes nothing
                return tag(pool, in.readUnsignedShort()) == 7 && frame.top > 0;
            case 0xbb: // new, of a class whose constructors run no plugin code
                return ClassAnnotationReader.INERT_NEW.contains(pool.className(in.readUnsignedShort()))
                        && frame.push(OTHER);
            case 0xb7: { // invokespecial: such a constructor, given primitives
                int method = in.readUnsignedShort();
                if (!pool.isRef(method, 10) || !ClassAnnotationReader.INERT_NEW.contains(pool.ownerOf(method))
                        || !pool.memberOf(method).startsWith("<init>(")) {
                    return false;
                }
                int[] sizes = parameterSizes(pool.typeOf(method), false, true);
                return sizes != null && frame.popArguments(sizes) && frame.popNarrow();
            }
            case 0xb8: { // invokestatic: a pure JDK factory, given primitives or strings
                int method = in.readUnsignedShort();
                if (!pool.isRef(method, 10)) {
                    return false;
                }
                String type = pool.typeOf(method);
                String member = pool.memberOf(method);
                int[] sizes = parameterSizes(type, true, true);
                return sizes != null
                        && PURE_STATIC.contains(pool.ownerOf(method) + "." + member.substring(0, member.indexOf('(')))
                        && frame.popArguments(sizes) && frame.pushResult(returnType(type), OTHER);
            }
            case 0xb9: { // invokeinterface: a host method, on a host object
                int method = in.readUnsignedShort();
                in.skip(2); // count, 0
                if (!pool.isRef(method, 11) || !pool.ownerOf(method).startsWith(apiPrefix)) {
                    return false;
                }
                String type = pool.typeOf(method);
                Boolean returnsHost = HOST_METHODS.get(pool.ownerOf(method).substring(apiPrefix.length()) + "."
                        + pool.memberOf(method).replace("L" + apiPrefix, "L"));
                int[] sizes = returnsHost == null ? null : parameterSizes(type, false, false);
                return sizes != null && frame.popArguments(sizes) && frame.pop() == HOST
                        && frame.pushResult(returnType(type), returnsHost ? HOST : OTHER);
            }
            case 0xba: { // invokedynamic: a lambda made, or strings and primitives concatenated
                int site = in.readUnsignedShort();
                in.skip(2); // 0, 0
                if (!pool.isRef(site, 18)) {
                    return false;
                }
                String type = pool.typeOf(site);
                int[] sizes = parameterSizes(type, false, false);
                return sizes != null && linksOnly(classFile, pool, bootstrapMethods, pool.refs[site] >>> 16, type)
                        && frame.popArguments(sizes) && frame.push(OTHER);
            }
            default:
                if (opcode >= 0x1a && opcode <= 0x2d) { // iload_n, lload_n, fload_n, dload_n, aload_n
                    int kind = (opcode - 0x1a) / 4;
                    return frame.load((opcode - 0x1a) % 4, kind == 1 || kind == 3);
                }
                if (opcode >= 0x3b && opcode <= 0x4e) { // istore_n, lstore_n, fstore_n, dstore_n, astore_n
                    int kind = (opcode - 0x3b) / 4;
                    return frame.store((opcode - 0x3b) % 4, kind == 1 || kind == 3);
                }
                return false;
        }
    }

    /** A field instruction on a field of the class itself, whose class is initialized already. */
    private static boolean field(int opcode, int ref, Frame frame, ClassAnnotationReader.ConstantPool pool,
                                 String self) throws IOException {
        if (!pool.isRef(ref, 9) || !pool.ownerOf(ref).equals(self)) {
            return false;
        }
        String type = pool.typeOf(ref);
        boolean wide = type.equals("J") || type.equals("D");
        return switch (opcode) {
            case 0xb2 -> frame.push(wide ? WIDE : OTHER);
            case 0xb3 -> wide ? frame.pop() == WIDE : frame.popNarrow();
            case 0xb4 -> frame.popNarrow() && frame.push(wide ? WIDE : OTHER);
            default -> (wide ? frame.pop() == WIDE : frame.popNarrow()) && frame.popNarrow();
        };
    }

    /**
     * @return whether the call site's bootstrap method is the JDK's lambda factory, or its string
     *         concatenation given only strings and primitives (an object's {@code toString} is code)
     */
    private static boolean linksOnly(byte[] classFile, ClassAnnotationReader.ConstantPool pool, int bootstrapMethods,
                                     int index, String type) throws IOException {
        if (bootstrapMethods < 0) {
            return false;
        }
        ClassAnnotationReader.ClassBytes in = new ClassAnnotationReader.ClassBytes(classFile);
        in.at = bootstrapMethods;
        if (index >= in.readUnsignedShort()) {
            return false;
        }
        for (int i = 0; i < index; i++) {
            in.skip(2);
            in.skip(2 * in.readUnsignedShort());
        }
        int handle = in.readUnsignedShort();
        if (!pool.isRef(handle, 15) || !pool.isRef(pool.refs[handle], 10)) {
            return false;
        }
        int method = pool.refs[handle];
        String owner = pool.ownerOf(method);
        String member = pool.memberOf(method);
        if (owner.equals("java/lang/invoke/LambdaMetafactory")) {
            return member.startsWith("metafactory(") || member.startsWith("altMetafactory(");
        }
        return owner.equals("java/lang/invoke/StringConcatFactory") // makeConcat, makeConcatWithConstants
                && member.startsWith("makeConcat") && parameterSizes(type, true, false) != null;
    }

    /**
     * @param type          a method descriptor
     * @param plain         whether every parameter must be a primitive or a string
     * @param primitiveOnly whether every parameter must be a primitive
     * @return the parameters' sizes (2 for {@code long} and {@code double}, else 1), or {@code null} if
     *         one is not allowed or the descriptor is malformed
     */
    private static int[] parameterSizes(String type, boolean plain, boolean primitiveOnly) {
        if (type.isEmpty() || type.charAt(0) != '(') {
            return null;
        }
        int[] sizes = new int[type.length()];
        int count = 0;
        int i = 1;
        while (i < type.length() && type.charAt(i) != ')') {
            char c = type.charAt(i);
            if ("BCFISZ".indexOf(c) >= 0) {
                sizes[count++] = 1;
                i++;
            } else if (c == 'J' || c == 'D') {
                sizes[count++] = 2;
                i++;
            } else if (c == 'L' || c == '[') {
                int element = i;
                while (element < type.length() && type.charAt(element) == '[') {
                    element++;
                }
                int after = element < type.length() && type.charAt(element) == 'L' ? type.indexOf(';', element) + 1
                        : element + 1;
                if (after <= element || primitiveOnly
                        || plain && !type.substring(i, after).equals("L" + STRING + ";")) {
                    return null;
                }
                sizes[count++] = 1;
                i = after;
            } else {
                return null;
            }
        }
        return i + 1 < type.length() ? java.util.Arrays.copyOf(sizes, count) : null; // a return type follows
    }

    /** @return the first character of a method descriptor's return type, given {@link #parameterSizes} took it */
    private static char returnType(String type) {
        return type.charAt(type.indexOf(')') + 1);
    }

    private static int tag(ClassAnnotationReader.ConstantPool pool, int index) {
        return index > 0 && index < pool.tags.length ? pool.tags[index] : 0;
    }
}
