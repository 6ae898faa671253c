package io.slabkv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slabkv.nativemem.MmapPageSource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The whole {@link StoreSpec}, and the confined store's own tests of {@link ConfinedStoreTest},
 * over an {@link MmapPageSource} built {@linkplain MmapPageSource.Builder#threadConfined thread
 * confined}: each region's segment belongs to a confined arena, as with the confined store's
 * default {@code ConfinedArenaPageSource}, so the JDK refuses another thread's access to a page.
 */
class MmapConfinedStoreTest extends ConfinedStoreTest {

    private final List<MmapPageSource> sources = new ArrayList<>();

    @Override
    SlabKV.Builder variant(SlabKV.Builder b) {
        MmapPageSource source = MmapPageSource.builder().threadConfined(true).build();
        sources.add(source);
        return super.variant(b).pageSource(source);
    }

    /** The spec above really ran on mmap: the store's regions are the source's, and close unmaps them. */
    @Test
    void theStoreTakesItsRegionsFromTheMmapSource() {
        SlabKV kv = open();
        MmapPageSource source = sources.get(sources.size() - 1);
        assertTrue(source.confined());
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
