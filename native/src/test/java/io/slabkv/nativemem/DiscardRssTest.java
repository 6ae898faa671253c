package io.slabkv.nativemem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/** Discarding gives memory back to the OS: the process's resident set shrinks while the region stays mapped. */
class DiscardRssTest {

    static final long MIB = 1L << 20;

    @Test
    void discardLowersTheResidentMemoryOfTheProcess() throws Throwable {
        MmapPageSource source = MmapPageSource.builder().prefault(true).build();
        MmapRegion r = (MmapRegion) source.reserve(256 * MIB, MIB);
        try {
            MemorySegment m = r.memory();
            m.fill((byte) 1);
            long regionBefore = Residency.residentKb(m);
            long rssBefore = Proc.vmRssKb();
            long anonBefore = Proc.rssAnonKb();

            r.discard(0, 192 * MIB);

            long regionAfter = Residency.residentKb(m);
            long rssAfter = Proc.vmRssKb();
            long anonAfter = Proc.rssAnonKb();
            System.out.printf("[rss] 256 MiB region, MADV_DONTNEED on 192 MiB: VmRSS %d -> %d kB (-%d), "
                            + "RssAnon %d -> %d kB (-%d), region resident %d -> %d kB%n",
                    rssBefore, rssAfter, rssBefore - rssAfter, anonBefore, anonAfter, anonBefore - anonAfter,
                    regionBefore, regionAfter);
            assertEquals(256 * 1024, regionBefore);
            assertEquals(64 * 1024, regionAfter, "exactly the discarded pages left");
            // The process figures move with the JVM too (JIT, GC and heap pages: a few MiB at
            // times), so they are held to most, not all, of the 192 MiB given back.
            assertTrue(anonBefore - anonAfter >= 160 * 1024, "RssAnon fell by only " + (anonBefore - anonAfter) + " kB");
            assertTrue(rssBefore - rssAfter >= 160 * 1024, "VmRSS fell by only " + (rssBefore - rssAfter) + " kB");
            assertEquals(0, m.get(ValueLayout.JAVA_BYTE, 0), "discarded pages read zero");
            assertEquals(1, m.get(ValueLayout.JAVA_BYTE, 192 * MIB), "the rest is kept");
        } finally {
            r.release();
        }
    }
}
