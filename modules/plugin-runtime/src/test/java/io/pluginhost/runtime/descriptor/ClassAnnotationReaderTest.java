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
        out.writeShort(0x21);
        out.writeShort(2);
        out.writeShort(4);
        out.writeShort(0); // interfaces
        out.writeShort(0); // fields
        out.writeShort(0); // methods
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
}
