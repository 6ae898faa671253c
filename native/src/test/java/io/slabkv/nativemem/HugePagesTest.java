package io.slabkv.nativemem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HugePagesTest {

    static final long MIB = 1L << 20;

    /**
     * Asks for MAP_HUGETLB three times. Where the kernel's pool cannot supply the pages (this
     * machine: vm.nr_hugepages = 0) the first region falls back to normal pages with THP, with one
     * message naming the pool settings, and the later regions follow without a second message.
     * Where the pool has them, the regions are hugetlb-backed and nothing falls back.
     */
    @Test
    void explicitHugePagesFallBackOnceWhenTheKernelHasNone() {
        long hugePage = OsMemory.hugePageSize();
        long free = OsMemory.meminfoKb("HugePages_Free");
        long overcommit = OsMemory.vmSetting("nr_overcommit_hugepages");
        long bytes = 8 * MIB;
        boolean poolCanServe = free * hugePage >= 3 * bytes || overcommit * hugePage >= 3 * bytes;
        System.out.println("[hugetlb] vm.nr_hugepages = " + OsMemory.vmSetting("nr_hugepages")
                + ", HugePages_Free = " + free + ", nr_overcommit_hugepages = " + overcommit
                + ", Hugepagesize = " + OsMemory.bytes(hugePage));

        RecordingLogger logger = new RecordingLogger();
        MmapPageSource source = MmapPageSource.builder().explicitHugePages(true).logger(logger).build();
        List<MmapRegion> regions = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                MmapRegion r = (MmapRegion) source.reserve(bytes, MIB);
                regions.add(r);
                r.memory().fill((byte) i); // usable either way
                assertEquals((byte) i, r.memory().get(ValueLayout.JAVA_BYTE, bytes - 1));
            }
            Map<String, Long> smaps = Proc.smaps(regions.get(0).address());
            if (poolCanServe) {
                assertTrue(regions.stream().allMatch(MmapRegion::hugetlb));
                assertEquals(hugePage >> 10, smaps.get("KernelPageSize"));
                assertEquals(List.of(), source.fallbacks());
            } else {
                assertTrue(regions.stream().noneMatch(MmapRegion::hugetlb));
                assertEquals(source.osPageSize() >> 10, smaps.get("KernelPageSize"));
                // One message for MAP_HUGETLB (plus one for THP only where THP is off as well).
                List<String> hugetlb = source.fallbacks().stream().filter(f -> f.contains("MAP_HUGETLB")).toList();
                assertEquals(1, hugetlb.size(), source.fallbacks().toString());
                assertEquals(source.fallbacks().size(), logger.messages.size(), "logged once per source, not per region");
                String m = hugetlb.get(0);
                for (String part : new String[] {"mmap[hugetlb]", "MAP_HUGETLB", "ENOMEM", "vm.nr_hugepages = ",
                        "HugePages_Free = ", "Falling back to normal pages with transparent huge pages",
                        "sysctl -w vm.nr_hugepages=N"}) {
                    assertTrue(m.contains(part), "'" + part + "' missing from: " + m);
                }
                assertTrue(logger.messages.get(0).startsWith("WARNING ") && logger.messages.get(0).contains(m));
            }
        } finally {
            regions.forEach(MmapRegion::release);
        }
        assertEquals(0, source.regions());
    }

    /** With THP in 'always' or 'madvise' mode, a pre-faulted region aligned by the source is backed by huge pages. */
    @Test
    void transparentHugePagesBackAnAdvisedRegion() {
        String mode = OsMemory.transparentHugePageMode();
        MmapPageSource source = MmapPageSource.builder().transparentHugePages(true).prefault(true)
                .logger(new RecordingLogger()).build();
        MmapRegion r = (MmapRegion) source.reserve(16 * MIB, 4096);
        try {
            long thp = OsMemory.transparentHugePageSize();
            assertEquals(0, r.address() % thp, "a THP region is aligned to " + thp);
            long anonHuge = Proc.smaps(r.address()).get("AnonHugePages");
            System.out.println("[thp] mode " + mode + ": AnonHugePages of a 16 MiB region = " + anonHuge + " kB");
            if (mode.equals("always") || mode.equals("madvise")) {
                assertTrue(anonHuge > 0, "no transparent huge page backs the region");
                assertEquals(List.of(), source.fallbacks());
            } else {
                assertEquals(1, source.fallbacks().size());
                assertTrue(source.fallbacks().get(0).contains("transparent huge pages"));
            }
        } finally {
            r.release();
        }
    }

    @Test
    void withoutHugePagesRegionsUseBasePages() {
        MmapPageSource source = new MmapPageSource();
        MmapRegion r = (MmapRegion) source.reserve(4 * MIB, 4096);
        try {
            assertFalse(r.hugetlb());
            assertEquals(source.osPageSize() >> 10, Proc.smaps(r.address()).get("KernelPageSize"));
        } finally {
            r.release();
        }
    }
}
