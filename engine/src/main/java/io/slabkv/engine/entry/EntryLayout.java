package io.slabkv.engine.entry;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * The layout of one entry: one chunk holding a header, the key bytes and the value bytes.
 *
 * <pre>
 *  byte 0               4          6        7        8                    8 or 16
 *  +--------------------+----------+--------+--------+--------------------+---------+-----------+
 *  | value length (u32) | key len  | access | flags  | expiry (i64), only | key     | value     |
 *  |                    | (u16)    | (u8)   | (u8)   | if flags HAS_TTL   | bytes   | bytes     |
 *  +--------------------+----------+--------+--------+--------------------+---------+-----------+
 * </pre>
 *
 * <ul>
 *   <li>An entry is written completely before the slot CAS that publishes it, and never changed
 *       afterwards except for the {@code access} byte (frequency and recency hints for eviction,
 *       written racily; a lost update only costs eviction precision). A new value is a new entry.
 *       So a reader inside an epoch critical section copies from memory nobody writes: no torn
 *       value is possible, and no version word is needed.</li>
 *   <li>{@code expiry} is an absolute deadline on the store's {@code TimeSource}, in nanoseconds;
 *       entries without a TTL do not carry it, so their header is 8 bytes.</li>
 *   <li>All fields are little-endian; chunk offsets are 8-byte aligned.</li>
 * </ul>
 */
public final class EntryLayout {

    public static final long VALUE_LENGTH = 0;
    public static final long KEY_LENGTH = 4;
    public static final long ACCESS = 6;
    public static final long FLAGS = 7;
    public static final long EXPIRY = 8;

    public static final int BASE_HEADER = 8;
    public static final int TTL_HEADER = 16;
    public static final byte HAS_TTL = 1;
    public static final int MAX_KEY_LENGTH = 0xFFFF;

    private static final VarHandle INT = ValueLayout.JAVA_INT_UNALIGNED.varHandle();
    private static final VarHandle SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.varHandle();
    private static final VarHandle BYTE = ValueLayout.JAVA_BYTE.varHandle();
    private static final VarHandle LONG = ValueLayout.JAVA_LONG_UNALIGNED.varHandle();

    private EntryLayout() {
    }

    /** Bytes an entry of these lengths occupies (before rounding to a chunk). */
    public static long size(long keyLength, long valueLength, boolean ttl) {
        return (ttl ? TTL_HEADER : BASE_HEADER) + keyLength + valueLength;
    }

    public static int valueLength(MemorySegment page, long entry) {
        return (int) INT.get(page, entry + VALUE_LENGTH);
    }

    public static int keyLength(MemorySegment page, long entry) {
        return Short.toUnsignedInt((short) SHORT.get(page, entry + KEY_LENGTH));
    }

    public static byte flags(MemorySegment page, long entry) {
        return (byte) BYTE.get(page, entry + FLAGS);
    }

    public static int access(MemorySegment page, long entry) {
        return Byte.toUnsignedInt((byte) BYTE.get(page, entry + ACCESS));
    }

    public static void access(MemorySegment page, long entry, int value) {
        BYTE.set(page, entry + ACCESS, (byte) value);
    }

    public static boolean hasTtl(MemorySegment page, long entry) {
        return (flags(page, entry) & HAS_TTL) != 0;
    }

    public static long expiry(MemorySegment page, long entry) {
        return (long) LONG.get(page, entry + EXPIRY);
    }

    /** Offset of the key bytes from the entry start. */
    public static long keyOffset(MemorySegment page, long entry) {
        return entry + ((flags(page, entry) & HAS_TTL) != 0 ? TTL_HEADER : BASE_HEADER);
    }

    /** The 8-byte key of an entry whose key length is 8 (a {@code long} key). */
    public static long longKey(MemorySegment page, long keyOffset) {
        return (long) LONG.get(page, keyOffset);
    }

    /**
     * Writes a header. {@code expiry} is ignored when {@code ttl} is false.
     *
     * @return the offset of the key bytes
     */
    public static long writeHeader(MemorySegment page, long entry, int keyLength, int valueLength,
                                   boolean ttl, long expiry) {
        INT.set(page, entry + VALUE_LENGTH, valueLength);
        SHORT.set(page, entry + KEY_LENGTH, (short) keyLength);
        BYTE.set(page, entry + ACCESS, (byte) 0);
        BYTE.set(page, entry + FLAGS, ttl ? HAS_TTL : (byte) 0);
        if (ttl) {
            LONG.set(page, entry + EXPIRY, expiry);
            return entry + TTL_HEADER;
        }
        return entry + BASE_HEADER;
    }

    public static void writeLongKey(MemorySegment page, long keyOffset, long key) {
        LONG.set(page, keyOffset, key);
    }
}
