package io.pluginhost.runtime.descriptor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * What a jar holds, in 32 bytes: a SHA-256 of its zip central directory (names, sizes and CRC-32 of
 * every entry), found through the end-of-central-directory record at the end of the file. A jar
 * whose directory cannot be located that way (a ZIP64 archive, a damaged file) is hashed whole.
 */
final class ContentDigest {

    private static final int END_OF_DIRECTORY = 0x06054b50;
    private static final int END_RECORD_SIZE = 22;
    private static final int MAX_COMMENT = 0xFFFF;

    private final byte[] digest;

    private ContentDigest(byte[] digest) {
        this.digest = digest;
    }

    static ContentDigest of(Path jar) throws IOException {
        try (FileChannel channel = FileChannel.open(jar, StandardOpenOption.READ)) {
            return of(channel.size(), (position, length) -> {
                ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
                while (buffer.hasRemaining()) {
                    if (channel.read(buffer, position + buffer.position()) < 0) {
                        throw new IOException("unexpected end of file");
                    }
                }
                return buffer.flip();
            });
        }
    }

    /** @param jar the jar's whole content: the same digest as {@link #of(Path)} of a file holding it */
    static ContentDigest of(byte[] jar) {
        try {
            return of(jar.length, (position, length) ->
                    ByteBuffer.wrap(jar, (int) position, length).slice().order(ByteOrder.LITTLE_ENDIAN));
        } catch (IOException e) {
            throw new IllegalStateException(e); // bytes in memory do not fail to read
        }
    }

    /** Reads {@code length} bytes at {@code position} into a little-endian buffer positioned at 0. */
    private interface Bytes {
        ByteBuffer read(long position, int length) throws IOException;
    }

    private static ContentDigest of(long size, Bytes jar) throws IOException {
        if (size >= END_RECORD_SIZE) {
            // Almost every jar has no comment: its end record is its last 22 bytes.
            ByteBuffer end = jar.read(size - END_RECORD_SIZE, END_RECORD_SIZE);
            if (end.getInt(0) == END_OF_DIRECTORY && end.getShort(20) == 0) {
                ContentDigest directory = directoryDigest(jar, end, 0, size - END_RECORD_SIZE);
                if (directory != null) {
                    return directory;
                }
            }
        }
        int tailLength = (int) Math.min(size, END_RECORD_SIZE + MAX_COMMENT);
        ByteBuffer tail = jar.read(size - tailLength, tailLength);
        for (int at = tailLength - END_RECORD_SIZE; at >= 0; at--) {
            if (tail.getInt(at) == END_OF_DIRECTORY) {
                ContentDigest directory = directoryDigest(jar, tail, at, size - tailLength + at);
                if (directory != null) {
                    return directory;
                }
                break;
            }
        }
        return new ContentDigest(sha256(jar.read(0, (int) Math.min(size, Integer.MAX_VALUE))));
    }

    /**
     * @param record   bytes holding the end record at {@code at}
     * @param recordAt where the end record starts in the file
     * @return the digest of the directory the record points to, or {@code null} if it points outside
     *         the file before the record
     */
    private static ContentDigest directoryDigest(Bytes jar, ByteBuffer record, int at, long recordAt)
            throws IOException {
        long directorySize = Integer.toUnsignedLong(record.getInt(at + 12));
        long directoryOffset = Integer.toUnsignedLong(record.getInt(at + 16));
        if (directoryOffset + directorySize > recordAt || directorySize >= Integer.MAX_VALUE) {
            return null;
        }
        return new ContentDigest(sha256(jar.read(directoryOffset, (int) directorySize)));
    }

    private static byte[] sha256(ByteBuffer bytes) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(bytes);
            return sha.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ContentDigest that && Arrays.equals(digest, that.digest);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(digest);
    }
}
