package io.slabkv.bench.replay;

import io.slabkv.bench.cli.TraceRequests;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * A trace held in memory: the key and the object size of every request. Traces without sizes get a
 * size per key from a {@link SizeModel}, the same for every request of that key (and so for every
 * policy replaying it).
 *
 * @param name          the file name without compression suffixes, or a test's name
 * @param description   how it was read (compression, format) and where sizes came from
 * @param keys          the key of each request
 * @param sizes         the object size of each request, bytes
 * @param distinct      distinct keys
 * @param footprint     bytes of all distinct objects (each at the largest size it was requested with)
 * @param meanSize      footprint / distinct
 * @param distinctSizes the size of each distinct object, ascending
 */
public record Trace(String name, String description, long[] keys, int[] sizes, long distinct, long footprint,
                    double meanSize, int[] distinctSizes) {

    /**
     * Loads up to {@code maxRequests} requests (0: all) of the trace at {@code path}; a trace without
     * sizes takes them from {@code model}.
     */
    public static Trace load(Path path, long maxRequests, SizeModel model) throws IOException {
        LongArray keys = new LongArray();
        IntArray sizes = new IntArray();
        boolean[] sized = {true};
        String how = TraceRequests.read(path, maxRequests, (key, size) -> {
            if (size < 0) {
                sized[0] = false;
                size = model.size(key);
            }
            if (size > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("object of " + size + " bytes (key " + key + ") is over 2 GiB");
            }
            keys.add(key);
            sizes.add((int) size);
        });
        String name = path.getFileName().toString().replaceFirst("\\.(gz|xz)$", "").replaceFirst("\\.trace$", "");
        return of(name, how + (sized[0] ? ", the trace's sizes" : ", sizes " + model), keys.toArray(),
                sizes.toArray());
    }

    /** A trace from arrays (tests, synthetic traces). */
    public static Trace of(String name, String description, long[] keys, int[] sizes) {
        if (keys.length != sizes.length) {
            throw new IllegalArgumentException(keys.length + " keys but " + sizes.length + " sizes");
        }
        Map<Long, Integer> largest = new HashMap<>();
        for (int i = 0; i < keys.length; i++) {
            largest.merge(keys[i], sizes[i], Math::max);
        }
        long footprint = 0;
        int[] distinctSizes = new int[largest.size()];
        int i = 0;
        for (int s : largest.values()) {
            footprint += s;
            distinctSizes[i++] = s;
        }
        Arrays.sort(distinctSizes);
        long distinct = largest.size();
        return new Trace(name, description, keys, sizes, distinct, footprint,
                distinct == 0 ? 0 : (double) footprint / distinct, distinctSizes);
    }

    public int requests() {
        return keys.length;
    }

    /** The largest object requested. */
    public int maxSize() {
        int max = 0;
        for (int s : sizes) {
            max = Math.max(max, s);
        }
        return max;
    }

    private static final class LongArray {
        long[] a = new long[1 << 16];
        int n;

        void add(long v) {
            if (n == a.length) {
                a = Arrays.copyOf(a, n * 2);
            }
            a[n++] = v;
        }

        long[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }

    private static final class IntArray {
        int[] a = new int[1 << 16];
        int n;

        void add(int v) {
            if (n == a.length) {
                a = Arrays.copyOf(a, n * 2);
            }
            a[n++] = v;
        }

        int[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }
}
