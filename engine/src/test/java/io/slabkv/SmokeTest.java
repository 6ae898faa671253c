package io.slabkv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/** Put, get, overwrite and remove of many keys on a small table: the first thing that must work. */
class SmokeTest {

    @Test
    void putGetOverwriteRemove() {
        try (SlabKV kv = SlabKV.builder().memoryLimit(8 << 20).expectedEntries(1000).pageSize(64 << 10)
                .regionSize(1 << 20).build(); Arena arena = Arena.ofConfined()) {
            MemorySegment v = arena.allocate(100);
            MemorySegment dst = arena.allocate(100);
            for (long k = 0; k < 1000; k++) {
                v.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, k * 7);
                kv.put(k, v);
            }
            assertEquals(1000, kv.size());
            for (long k = 0; k < 1000; k++) {
                assertEquals(100, kv.get(k, dst));
                assertEquals(k * 7, dst.get(ValueLayout.JAVA_LONG_UNALIGNED, 0));
            }
            for (long k = 0; k < 1000; k += 2) {
                assertTrue(kv.remove(k));
                assertFalse(kv.remove(k));
            }
            for (int round = 0; round < 20; round++) {
                for (long k = 0; k < 1000; k += 2) {
                    kv.put(k + 1000L * round, v);
                    assertTrue(kv.remove(k + 1000L * round));
                }
                kv.maintain();
            }
            assertEquals(500, kv.size());
            for (long k = 1; k < 1000; k += 2) {
                assertEquals(100, kv.get(k, dst));
                assertEquals(k * 7, dst.get(ValueLayout.JAVA_LONG_UNALIGNED, 0));
            }
            assertEquals(SlabKV.MISS, kv.get(0L, dst));
            System.out.println(kv.stats());
        }
    }
}
