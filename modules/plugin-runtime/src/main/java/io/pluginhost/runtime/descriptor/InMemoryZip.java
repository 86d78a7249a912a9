package io.pluginhost.runtime.descriptor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * A plain jar already in memory, read through its central directory: what {@link PluginJarReader}
 * needs of a jar it has not seen, without the dozens of system calls a {@link java.util.jar.JarFile}
 * makes (a seek and a read per header and per entry; on a VM each costs microseconds, and together
 * they were half of loading a small new plugin).
 *
 * <p>It takes only the common case and {@linkplain #parse says so} otherwise: one disk, no ZIP64, no
 * bytes before the first entry, no encryption, stored or deflated entries, names in strict UTF-8
 * without duplicates, no {@code META-INF/versions/} (a multi-release jar) and no signature (a signed
 * jar, whose signature the JDK's reader checks). Anything else is
 * {@link Unusual}, and the caller reads the jar with the JDK's {@code JarFile} instead, which reports
 * what is wrong. An entry whose data does not match its headers or its CRC-32 is {@link Damaged}: the
 * JDK's reader does not check the CRC-32 and would hand the damaged bytes on. What the engine
 * validates from this view (the module descriptor and the provider's class file) is also what it
 * uses: the descriptor object and the provider's bytes are handed to the layer, so the JDK's own
 * reading of the jar later, for other classes, cannot disagree with the validation.
 */
final class InMemoryZip {

    private static final int END_SIGNATURE = 0x06054b50;
    private static final int DIRECTORY_SIGNATURE = 0x02014b50;
    private static final int LOCAL_SIGNATURE = 0x04034b50;
    private static final int END_SIZE = 22;
    private static final int DIRECTORY_HEADER = 46;
    private static final int LOCAL_HEADER = 30;
    private static final int MAX_COMMENT = 0xFFFF;
    private static final int STORED = 0;
    private static final int DEFLATED = 8;
    /** The largest module descriptor or class file the reader takes, here or through {@code JarFile}. */
    static final int MAX_ENTRY = 64 << 20;

    /** Where the zip's format is outside what this reader takes; the caller falls back to {@code JarFile}. */
    static final class Unusual extends Exception {
        Unusual(String why) {
            super(why, null, false, false);
        }
    }

    /** Where an entry's data does not match its headers or its CRC-32. */
    static final class Damaged extends Exception {
        Damaged(String why) {
            super(why, null, false, false);
        }
    }

    private record Entry(int method, int compressedSize, int size, int crc, int localHeader) {
    }

    private final ByteBuffer bytes;
    private final int directoryStart;
    private final Map<String, Entry> entries;
    private final List<String> names;

    private InMemoryZip(ByteBuffer bytes, int directoryStart, Map<String, Entry> entries, List<String> names) {
        this.bytes = bytes;
        this.directoryStart = directoryStart;
        this.entries = entries;
        this.names = names;
    }

    /**
     * @param zip the whole file
     * @return its entries
     * @throws Unusual if it is not a zip this reader takes (see the class comment)
     */
    static InMemoryZip parse(byte[] zip) throws Unusual {
        ByteBuffer bytes = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
        int end = endRecord(bytes);
        if (bytes.getShort(end + 4) != 0 || bytes.getShort(end + 6) != 0
                || bytes.getShort(end + 8) != bytes.getShort(end + 10)) {
            throw new Unusual("a zip split over disks");
        }
        int count = Short.toUnsignedInt(bytes.getShort(end + 10));
        long directorySize = Integer.toUnsignedLong(bytes.getInt(end + 12));
        long directoryStart = Integer.toUnsignedLong(bytes.getInt(end + 16));
        if (count == 0xFFFF || directoryStart + directorySize != end) {
            throw new Unusual("ZIP64, or bytes before the first entry");
        }
        Map<String, Entry> entries = new HashMap<>(count * 4 / 3 + 1);
        List<String> names = new ArrayList<>(count);
        var utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        int at = (int) directoryStart;
        for (int i = 0; i < count; i++) {
            if (at > end - DIRECTORY_HEADER || bytes.getInt(at) != DIRECTORY_SIGNATURE) {
                throw new Unusual("a damaged central directory");
            }
            int flags = Short.toUnsignedInt(bytes.getShort(at + 8));
            int method = Short.toUnsignedInt(bytes.getShort(at + 10));
            int nameLength = Short.toUnsignedInt(bytes.getShort(at + 28));
            int headerLength = DIRECTORY_HEADER + nameLength + Short.toUnsignedInt(bytes.getShort(at + 30))
                    + Short.toUnsignedInt(bytes.getShort(at + 32));
            if ((flags & 1) != 0 || method != STORED && method != DEFLATED || at > end - headerLength) {
                throw new Unusual("an encrypted or unknown entry, or a damaged header");
            }
            String name;
            try {
                name = utf8.decode(bytes.slice(at + DIRECTORY_HEADER, nameLength)).toString();
            } catch (CharacterCodingException e) {
                throw new Unusual("a name that is not UTF-8");
            }
            Entry entry = new Entry(method, bytes.getInt(at + 20), bytes.getInt(at + 24), bytes.getInt(at + 16),
                    bytes.getInt(at + 42));
            if (entry.compressedSize() == -1 || entry.size() == -1 || entry.localHeader() == -1
                    || name.startsWith("META-INF/versions/") || entries.put(name, entry) != null) {
                throw new Unusual("ZIP64, a multi-release jar, or a name twice");
            }
            if (PluginJarReader.isSignatureFile(name)) {
                throw new Unusual("a signed jar");
            }
            if (!name.endsWith("/")) {
                names.add(name);
            }
            at += headerLength;
        }
        if (at != end) {
            throw new Unusual("a central directory of another size than it says");
        }
        return new InMemoryZip(bytes, (int) directoryStart, entries, List.copyOf(names));
    }

    /** @return where the end record starts: the last one whose comment reaches exactly to the end of the file */
    private static int endRecord(ByteBuffer bytes) throws Unusual {
        int last = bytes.limit() - END_SIZE;
        for (int at = last; at >= 0 && at >= last - MAX_COMMENT; at--) {
            if (bytes.getInt(at) == END_SIGNATURE && at + END_SIZE + Short.toUnsignedInt(bytes.getShort(at + 20))
                    == bytes.limit()) {
                return at;
            }
        }
        throw new Unusual("no end-of-central-directory record");
    }

    /** @return the names of the entries that are not directories, in the directory's order */
    List<String> names() {
        return names;
    }

    /**
     * @param name an entry's name
     * @return its content, or {@code null} if there is no such entry
     * @throws Damaged if it is larger than {@link #MAX_ENTRY}, or its data does not match its headers
     *                 or its CRC-32
     */
    byte[] read(String name) throws Damaged {
        Entry entry = entries.get(name);
        if (entry == null) {
            return null;
        }
        int local = entry.localHeader();
        if (local < 0 || local > directoryStart - LOCAL_HEADER || bytes.getInt(local) != LOCAL_SIGNATURE) {
            throw new Damaged("entry " + name + " has no local header where the directory says");
        }
        long data = (long) local + LOCAL_HEADER + Short.toUnsignedInt(bytes.getShort(local + 26))
                + Short.toUnsignedInt(bytes.getShort(local + 28));
        int compressed = entry.compressedSize();
        int size = entry.size();
        if (size < 0 || size > MAX_ENTRY) {
            throw new Damaged("entry " + name + " says it is larger than " + MAX_ENTRY + " bytes");
        }
        if (compressed < 0 || data + compressed > directoryStart) {
            throw new Damaged("entry " + name + " runs past the end of the entries");
        }
        byte[] content = entry.method() == STORED ? stored(entry, (int) data, name) : inflated(entry, (int) data, name);
        CRC32 crc = new CRC32();
        crc.update(content);
        if ((int) crc.getValue() != entry.crc()) {
            throw new Damaged("entry " + name + " does not match its CRC-32");
        }
        return content;
    }

    private byte[] stored(Entry entry, int data, String name) throws Damaged {
        if (entry.compressedSize() != entry.size()) {
            throw new Damaged("stored entry " + name + " has two sizes");
        }
        byte[] content = new byte[entry.size()];
        bytes.get(data, content);
        return content;
    }

    private byte[] inflated(Entry entry, int data, String name) throws Damaged {
        byte[] content = new byte[entry.size()];
        Inflater inflater = new Inflater(true);
        try {
            inflater.setInput(bytes.slice(data, entry.compressedSize()));
            int filled = 0;
            while (filled < content.length && !inflater.finished()) {
                int n = inflater.inflate(content, filled, content.length - filled);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    break;
                }
                filled += n;
            }
            if (filled != content.length || !inflater.finished() && inflater.inflate(new byte[1]) > 0) {
                throw new Damaged("entry " + name + " does not inflate to its size");
            }
            return content;
        } catch (DataFormatException e) {
            throw new Damaged("entry " + name + " is not valid deflate data");
        } finally {
            inflater.end();
        }
    }
}
