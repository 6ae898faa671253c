package io.slabkv.arena;

import java.util.Arrays;

/**
 * The slab class table: chunk sizes from a minimum, each the previous times a growth factor,
 * rounded up to 8 bytes (and at least 8 bytes more than the previous), the last one the page size.
 * Computed once; immutable; {@link #toString()} prints it.
 *
 * <p>Looking a size up is a table read for sizes up to {@value #DIRECT_LIMIT} bytes and a binary
 * search above.
 */
public final class SizeClasses {

    public static final double MIN_GROWTH = 1.05;
    public static final double MAX_GROWTH = 2.0;
    public static final int MIN_CHUNK = 16;
    static final int DIRECT_LIMIT = 16 * 1024;

    private final int[] chunkSizes;
    private final int[] chunksPerPage;
    private final byte[] direct; // class index by (size + 7) >>> 3, for size <= DIRECT_LIMIT
    private final int pageSize;
    private final double growth;

    public SizeClasses(int minChunk, double growth, int pageSize) {
        if (minChunk < MIN_CHUNK || (minChunk & 7) != 0) {
            throw new IllegalArgumentException("minimum chunk size " + minChunk
                    + " must be a multiple of 8 and at least " + MIN_CHUNK + " bytes");
        }
        if (!(growth >= MIN_GROWTH && growth <= MAX_GROWTH)) {
            throw new IllegalArgumentException("growth factor " + growth + " must be between "
                    + MIN_GROWTH + " and " + MAX_GROWTH);
        }
        if (minChunk > pageSize) {
            throw new IllegalArgumentException("minimum chunk size " + minChunk
                    + " is larger than the page size " + pageSize);
        }
        this.pageSize = pageSize;
        this.growth = growth;
        int[] sizes = new int[64];
        int n = 0;
        long size = minChunk;
        while (size < pageSize) {
            if (n == sizes.length) {
                sizes = Arrays.copyOf(sizes, n * 2);
            }
            sizes[n++] = (int) size;
            long next = ((long) Math.ceil(size * growth) + 7) & ~7L;
            size = Math.max(next, size + 8);
        }
        if (n == sizes.length) {
            sizes = Arrays.copyOf(sizes, n + 1);
        }
        sizes[n++] = pageSize;
        this.chunkSizes = Arrays.copyOf(sizes, n);
        if (n > 255) {
            throw new IllegalArgumentException("growth factor " + growth + " with minimum chunk "
                    + minChunk + " and page size " + pageSize + " gives " + n
                    + " size classes; at most 255 are supported");
        }
        this.chunksPerPage = new int[n];
        for (int i = 0; i < n; i++) {
            chunksPerPage[i] = pageSize / chunkSizes[i];
        }
        int directMax = Math.min(DIRECT_LIMIT, pageSize);
        this.direct = new byte[(directMax >>> 3) + 1];
        int c = 0;
        for (int units = 0; units < direct.length; units++) {
            while (chunkSizes[c] < units << 3) {
                c++;
            }
            direct[units] = (byte) c;
        }
    }

    /** The number of classes. */
    public int count() {
        return chunkSizes.length;
    }

    public int chunkSize(int sizeClass) {
        return chunkSizes[sizeClass];
    }

    public int chunksPerPage(int sizeClass) {
        return chunksPerPage[sizeClass];
    }

    /** The largest size a chunk can hold: the page size. */
    public int maxChunkSize() {
        return pageSize;
    }

    public double growth() {
        return growth;
    }

    /**
     * The smallest class whose chunks hold {@code size} bytes.
     *
     * @throws IllegalArgumentException if {@code size <= 0} or above {@link #maxChunkSize()}
     */
    public int classOf(long size) {
        if (size <= 0 || size > pageSize) {
            throw new IllegalArgumentException("chunk size " + size + " must be between 1 and the "
                    + "largest class, " + pageSize + " bytes (the page size)");
        }
        // The table is indexed by ceil(size / 8), so it covers sizes up to (length - 1) * 8. The old
        // test, size < length * 8, let sizes 16385..16391 through to index 2049 of a 2049-entry
        // table (ArrayIndexOutOfBoundsException) whenever the page is larger than DIRECT_LIMIT.
        if (size <= (long) (direct.length - 1) << 3) {
            return direct[(int) ((size + 7) >>> 3)] & 0xFF;
        }
        int i = Arrays.binarySearch(chunkSizes, (int) size);
        return i >= 0 ? i : -i - 1;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(64 + 40 * chunkSizes.length);
        sb.append(String.format("size classes: %d, growth %.3f, page %d bytes%n", count(), growth, pageSize));
        sb.append(String.format("%5s %10s %12s %8s%n", "class", "chunk", "chunks/page", "waste%"));
        for (int i = 0; i < chunkSizes.length; i++) {
            double waste = 100.0 * (pageSize - (long) chunksPerPage[i] * chunkSizes[i]) / pageSize;
            sb.append(String.format("%5d %10d %12d %8.2f%n", i, chunkSizes[i], chunksPerPage[i], waste));
        }
        return sb.toString();
    }
}
