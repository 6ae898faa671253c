package io.slabkv.nativemem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.slabkv.arena.Region;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class MmapPageSourceTest {

    static final long MIB = 1L << 20;

    @Test
    void refusesAnOsOtherThanLinuxNamingIt() {
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> MmapPageSource.checkPlatform("Mac OS X", "aarch64"));
        assertTrue(e.getMessage().contains("needs Linux") && e.getMessage().contains("Mac OS X"), e.getMessage());
        e = assertThrows(UnsupportedOperationException.class, () -> MmapPageSource.checkPlatform("Windows 11", "amd64"));
        assertTrue(e.getMessage().contains("Windows 11"), e.getMessage());
        e = assertThrows(UnsupportedOperationException.class, () -> MmapPageSource.checkPlatform("Linux", "s390x"));
        assertTrue(e.getMessage().contains("s390x"), e.getMessage());
        MmapPageSource.checkPlatform("Linux", "amd64"); // this machine's kind
    }

    @Test
    void failedCallNamesTheCallErrnoNumberNameAndMeaning() {
        // munmap of an address that is not page-aligned: the kernel says EINVAL, touching nothing.
        NativeCallException e = assertThrows(NativeCallException.class, () -> LibC.munmap(0x1001, 4096));
        assertEquals("munmap(0x1001, 4096) failed: errno 22 EINVAL (Invalid argument)", e.getMessage());
        assertEquals("munmap", e.call());
        assertEquals(22, e.errno());
        assertEquals("EINVAL", e.errnoName());
        assertEquals("ENOMEM", Errno.name(12));
        assertEquals("Cannot allocate memory", LibC.strerror(12));
    }

    @Test
    void aMappingTheKernelRefusesIsAnOutOfMemoryErrorNamingSizeAndErrno() {
        // 32 TiB of committed private memory: heuristic (0) and strict (2) overcommit refuse it at
        // mmap time; "always" (1) would grant the address space, so the refusal cannot be shown.
        assumeTrue(OsMemory.vmSetting("overcommit_memory") != 1, "vm.overcommit_memory = 1 grants any mapping");
        MmapPageSource source = new MmapPageSource();
        long bytes = 32L << 40;
        OutOfMemoryError e = assertThrows(OutOfMemoryError.class, () -> source.reserve(bytes, 4096));
        assertTrue(e.getMessage().contains("could not reserve a region of " + bytes + " bytes")
                && e.getMessage().contains("mmap(") && e.getMessage().contains("ENOMEM"), e.getMessage());
        assertTrue(e.getCause() instanceof NativeCallException);
        assertEquals(0, source.regions());
        System.out.println("[oom] " + e.getMessage());
    }

    @Test
    void namesStateTheOptions() {
        assertEquals("mmap", new MmapPageSource().name());
        assertEquals("mmap[hugetlb,thp,mlock,prefault,confined]", MmapPageSource.builder().explicitHugePages(true)
                .transparentHugePages(true).lockMemory(true).prefault(true).threadConfined(true).build().name());
        assertTrue(MmapPageSource.builder().threadConfined(true).build().confined());
        assertTrue(!new MmapPageSource().confined());
        assertThrows(NullPointerException.class, () -> MmapPageSource.builder().logger(null));
    }

    @Test
    void aConfinedRegionRefusesOtherThreads() throws Exception {
        MmapPageSource source = MmapPageSource.builder().threadConfined(true).build();
        Region r = source.reserve(MIB, 4096);
        AtomicReference<Throwable> seen = new AtomicReference<>();
        Thread other = new Thread(() -> {
            try {
                r.memory().get(ValueLayout.JAVA_BYTE, 0);
            } catch (Throwable t) {
                seen.set(t);
            }
            try {
                r.release();
            } catch (Throwable t) {
                seen.get().addSuppressed(t);
            }
        });
        other.start();
        other.join();
        assertTrue(seen.get() instanceof WrongThreadException, String.valueOf(seen.get()));
        assertTrue(seen.get().getSuppressed()[0] instanceof WrongThreadException);
        assertEquals(1, source.regions(), "a refused release leaves the region mapped and releasable");
        r.release();
        assertEquals(0, source.regions());
    }

    @Test
    void sharedRegionsMayBeTouchedAndReleasedByAnyThread() throws Exception {
        MmapPageSource source = new MmapPageSource();
        Region r = source.reserve(MIB, 4096);
        r.memory().set(ValueLayout.JAVA_INT, 0, 42);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread other = new Thread(() -> {
            try {
                assertEquals(42, r.memory().get(ValueLayout.JAVA_INT, 0));
                r.release();
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        other.start();
        other.join();
        assertEquals(null, failure.get());
        assertEquals(0, source.regions());
    }
}
