package io.slabkv.bench.cli;

/**
 * A map from {@code long} keys to an object size and a seen mark, by open addressing with linear
 * probing; no boxing. For the distinct keys of a trace (millions at most), on one thread.
 */
final class KeySizeMap {

    private static final long FREE = Long.MIN_VALUE; // a key equal to it lives in the fields below

    private long[] keys;
    private long[] sizes;
    private boolean[] marks;
    private int size;
    private boolean hasFreeKey;
    private long freeKeySize;
    private boolean freeKeyMark;

    KeySizeMap() {
        allocate(1 << 12);
    }

    private void allocate(int capacity) {
        keys = new long[capacity];
        java.util.Arrays.fill(keys, FREE);
        sizes = new long[capacity];
        marks = new boolean[capacity];
    }

    /** Distinct keys. */
    long size() {
        return size + (hasFreeKey ? 1 : 0);
    }

    /** Records {@code key} with {@code objectSize}, keeping the larger size; returns whether the key is new. */
    boolean putMax(long key, long objectSize) {
        if (key == FREE) {
            boolean added = !hasFreeKey;
            freeKeySize = added ? objectSize : Math.max(freeKeySize, objectSize);
            hasFreeKey = true;
            return added;
        }
        int i = find(key);
        if (keys[i] == key) {
            sizes[i] = Math.max(sizes[i], objectSize);
            return false;
        }
        keys[i] = key;
        sizes[i] = objectSize;
        if (++size > keys.length * 3L / 4) {
            grow();
        }
        return true;
    }

    /** Marks {@code key} (which must be present); returns whether it was marked before. */
    boolean mark(long key) {
        if (key == FREE) {
            boolean was = freeKeyMark;
            freeKeyMark = true;
            return was;
        }
        int i = find(key);
        if (keys[i] != key) {
            throw new IllegalStateException("key " + key + " was not recorded");
        }
        boolean was = marks[i];
        marks[i] = true;
        return was;
    }

    /** Calls {@code visitor} with every key's size. */
    void forEachSize(java.util.function.LongConsumer visitor) {
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != FREE) {
                visitor.accept(sizes[i]);
            }
        }
        if (hasFreeKey) {
            visitor.accept(freeKeySize);
        }
    }

    private int find(long key) {
        int mask = keys.length - 1;
        int i = (int) SplitMix.mix(key) & mask;
        while (keys[i] != FREE && keys[i] != key) {
            i = (i + 1) & mask;
        }
        return i;
    }

    private void grow() {
        long[] oldKeys = keys;
        long[] oldSizes = sizes;
        boolean[] oldMarks = marks;
        if (oldKeys.length >= 1 << 30) {
            throw new IllegalStateException("more than " + (3L << 28) + " distinct keys");
        }
        allocate(oldKeys.length * 2);
        for (int j = 0; j < oldKeys.length; j++) {
            if (oldKeys[j] != FREE) {
                int i = find(oldKeys[j]);
                keys[i] = oldKeys[j];
                sizes[i] = oldSizes[j];
                marks[i] = oldMarks[j];
            }
        }
    }
}
