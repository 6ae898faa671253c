package io.slabkv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slabkv.nativemem.MmapPageSource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The whole {@link StoreSpec}, and the shared store's own tests of {@link SharedStoreTest}, over
 * memory mapped straight from the kernel: every store takes a fresh {@link MmapPageSource} with no
 * options (normal pages), so a freed page's memory goes back to the OS with
 * {@code madvise(MADV_DONTNEED)} and a released region is unmapped.
 */
class MmapSharedStoreTest extends SharedStoreTest {

    private final List<MmapPageSource> sources = new ArrayList<>();

    @Override
    SlabKV.Builder variant(SlabKV.Builder b) {
        MmapPageSource source = new MmapPageSource();
        sources.add(source);
        return super.variant(b).pageSource(source);
    }

    /** The spec above really ran on mmap: the store's regions are the source's, and close unmaps them. */
    @Test
    void theStoreTakesItsRegionsFromTheMmapSource() {
        SlabKV kv = open();
        MmapPageSource source = sources.get(sources.size() - 1);
        for (long k = 0; k < 100; k++) {
            kv.put(k, value(200, k));
        }
        assertTrue(source.regions() > 0, source::toString);
        // the pages and the index: both are the source's regions
        assertEquals(store(kv).allocator().reservedBytes() + kv.stats().indexBytes(), source.mappedBytes(),
                source::toString);
        kv.close();
        assertEquals(0, source.regions(), source::toString);
        assertEquals(0, source.mappedBytes(), source::toString);
        assertEquals(List.of(), source.fallbacks());
    }
}
