package io.pluginhost.runtime.descriptor;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The class-file annotation reader on hand-made class files, the shapes a compiler would not emit. */
class ClassAnnotationReaderTest {

    /** A class {@code T extends Object} carrying {@code @x.Meta(v = <value>)}, the value written by {@code value}. */
    private static byte[] classWith(ValueWriter value) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(0xCAFEBABE);
        out.writeShort(0);
        out.writeShort(61);
        out.writeShort(8); // constant pool count
        out.writeByte(1);
        out.writeUTF("T"); // #1
        out.writeByte(7);
        out.writeShort(1); // #2 class T
        out.writeByte(1);
        out.writeUTF("java/lang/Object"); // #3
        out.writeByte(7);
        out.writeShort(3); // #4 class Object
        out.writeByte(1);
        out.writeUTF("RuntimeVisibleAnnotations"); // #5
        out.writeByte(1);
        out.writeUTF("Lx/Meta;"); // #6
        out.writeByte(1);
        out.writeUTF("v"); // #7
        publicClassTExtendsObject(out, 0);
        out.writeShort(1); // attributes
        ByteArrayOutputStream attribute = new ByteArrayOutputStream();
        DataOutputStream a = new DataOutputStream(attribute);
        a.writeShort(1); // one annotation
        a.writeShort(6);
        a.writeShort(1); // one member
        a.writeShort(7);
        value.write(a);
        out.writeShort(5);
        out.writeInt(attribute.size());
        out.write(attribute.toByteArray());
        return bytes.toByteArray();
    }

    private interface ValueWriter {
        void write(DataOutputStream out) throws IOException;
    }

    @Test
    void readsAStringArrayMember() throws IOException {
        byte[] file = classWith(out -> {
            out.writeByte('[');
            out.writeShort(2);
            out.writeByte('s');
            out.writeShort(7);
            out.writeByte('s');
            out.writeShort(1);
        });

        ClassAnnotationReader.ProviderClass read = ClassAnnotationReader.read(file, "x.Meta", "x");

        assertThat(read.annotation()).contains(Map.of("v", List.of("v", "T")));
        assertThat(read.methods()).contains(java.util.Set.of());
    }

    @Test
    void valuesNestedTooDeeplyAreRefusedNotAStackOverflow() throws IOException {
        int depth = 100_000;
        byte[] file = classWith(out -> {
            for (int i = 0; i < depth; i++) {
                out.writeByte('[');
                out.writeShort(1);
            }
            out.writeByte('s');
            out.writeShort(7);
        });

        assertThatThrownBy(() -> ClassAnnotationReader.read(file, "x.Meta", "x"))
                .isInstanceOf(IOException.class).hasMessageContaining("nested deeper than");
    }

    /**
     * A class {@code T extends Object} whose only method is {@code <init>()V} with this code and no
     * handlers. Constants: #8 {@code Object.<init>()V}, #13 the field {@code T.f}, #16 the field
     * {@code U.f} of another class, #17 a dynamic constant, #18 the integer 7.
     */
    private static byte[] classWithConstructor(int handlers, int... code) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(0xCAFEBABE);
        out.writeShort(0);
        out.writeShort(61);
        out.writeShort(19);
        utf8(out, "T"); // #1
        out.writeByte(7);
        out.writeShort(1); // #2
        utf8(out, "java/lang/Object"); // #3
        out.writeByte(7);
        out.writeShort(3); // #4
        utf8(out, "<init>"); // #5
        utf8(out, "()V"); // #6
        reference(out, 12, 5, 6); // #7
        reference(out, 10, 4, 7); // #8 Object.<init>()V
        utf8(out, "Code"); // #9
        utf8(out, "f"); // #10
        utf8(out, "I"); // #11
        reference(out, 12, 10, 11); // #12
        reference(out, 9, 2, 12); // #13 T.f
        utf8(out, "U"); // #14
        out.writeByte(7);
        out.writeShort(14); // #15
        reference(out, 9, 15, 12); // #16 U.f
        reference(out, 17, 0, 12); // #17 a dynamic constant
        out.writeByte(3);
        out.writeInt(7); // #18
        publicClassTExtendsObject(out, 1);
        out.writeShort(0x0001);
        out.writeShort(5);
        out.writeShort(6);
        out.writeShort(1);
        out.writeShort(9);
        out.writeInt(2 + 2 + 4 + code.length + 2 + handlers * 8 + 2);
        out.writeShort(2); // max stack
        out.writeShort(1); // max locals
        out.writeInt(code.length);
        for (int b : code) {
            out.writeByte(b);
        }
        out.writeShort(handlers);
        for (int i = 0; i < handlers; i++) {
            out.writeShort(0);
            out.writeShort(code.length - 1);
            out.writeShort(code.length - 1);
            out.writeShort(0);
        }
        out.writeShort(0); // the method's code attributes
        out.writeShort(0); // class attributes
        return bytes.toByteArray();
    }

    /** After the constant pool: public class #2 extends #4, no interfaces, no fields, then the method count. */
    private static void publicClassTExtendsObject(DataOutputStream out, int methods) throws IOException {
        out.writeShort(0x21);
        out.writeShort(2);
        out.writeShort(4);
        out.writeShort(0); // interfaces
        out.writeShort(0); // fields
        out.writeShort(methods);
    }

    private static void utf8(DataOutputStream out, String value) throws IOException {
        out.writeByte(1);
        out.writeUTF(value);
    }

    private static void reference(DataOutputStream out, int tag, int first, int second) throws IOException {
        out.writeByte(tag);
        out.writeShort(first);
        out.writeShort(second);
    }

    private static boolean inert(int handlers, int... code) throws IOException {
        return ClassAnnotationReader.read(classWithConstructor(handlers, code), "x.Meta", "x").inertConstruction();
    }

    private static final int ALOAD_0 = 0x2a;
    private static final int INVOKESPECIAL = 0xb7;
    private static final int LDC = 0x12;
    private static final int PUTFIELD = 0xb5;
    private static final int RETURN = 0xb1;

    @Test
    void aConstructorThatStoresAConstantInItsOwnFieldIsInert() throws IOException {
        assertThat(inert(0, ALOAD_0, INVOKESPECIAL, 0, 8, ALOAD_0, LDC, 18, PUTFIELD, 0, 13, RETURN)).isTrue();
    }

    /** Shapes javac does not emit for a field initializer, each of which could run or reach other code. */
    @Test
    void anythingElseInAConstructorIsPluginCode() throws IOException {
        // a store into another class's field
        assertThat(inert(0, ALOAD_0, INVOKESPECIAL, 0, 8, ALOAD_0, LDC, 18, PUTFIELD, 0, 16, RETURN)).isFalse();
        // a dynamic constant, whose bootstrap method is code
        assertThat(inert(0, ALOAD_0, INVOKESPECIAL, 0, 8, ALOAD_0, LDC, 17, PUTFIELD, 0, 13, RETURN)).isFalse();
        // invokespecial of a field reference, not a method
        assertThat(inert(0, ALOAD_0, INVOKESPECIAL, 0, 13, RETURN)).isFalse();
        // code after the return
        assertThat(inert(0, ALOAD_0, INVOKESPECIAL, 0, 8, RETURN, RETURN)).isFalse();
        // no return at all
        assertThat(inert(0, ALOAD_0, INVOKESPECIAL, 0, 8)).isFalse();
        // an exception handler
        assertThat(inert(1, ALOAD_0, INVOKESPECIAL, 0, 8, RETURN)).isFalse();
        // a backward branch: a loop
        assertThat(inert(0, ALOAD_0, INVOKESPECIAL, 0, 8, 0xa7, 0xff, 0xff, RETURN)).isFalse();
        // an ldc whose index is past the constant pool
        assertThat(inert(0, ALOAD_0, INVOKESPECIAL, 0, 8, LDC, 200, RETURN)).isFalse();
    }
}
