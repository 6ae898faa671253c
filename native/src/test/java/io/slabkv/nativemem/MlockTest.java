package io.slabkv.nativemem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class MlockTest {

    static final long MIB = 1L << 20;

    @Test
    void aLockedRegionIsResidentAndDiscardKeepsItSo() throws Throwable {
        MmapPageSource source = MmapPageSource.builder().lockMemory(true).logger(new RecordingLogger()).build();
        long before = Proc.vmLckKb();
        MmapRegion r = (MmapRegion) source.reserve(2 * MIB, 4096); // within any default RLIMIT_MEMLOCK of 8 MiB
        try {
            assumeTrue(r.locked(), "RLIMIT_MEMLOCK is below 2 MiB here: " + source.fallbacks());
            assertEquals(2 * MIB, source.lockedBytes());
            long locked = Proc.vmLckKb();
            assertEquals(before + 2048, locked, "VmLck counts the region");
            assertEquals(2048, Residency.residentKb(r.memory()), "mlock faulted every page in");
            r.discard(0, 2 * MIB);
            assertEquals(2048, Residency.residentKb(r.memory()), "a locked region keeps its pages");
            assertEquals(locked, Proc.vmLckKb());
        } finally {
            r.release();
        }
        assertEquals(before, Proc.vmLckKb(), "munmap drops the lock");
        assertEquals(0, source.lockedBytes());
        assertEquals(List.of(), source.fallbacks());
    }

    /**
     * Locks a region larger than RLIMIT_MEMLOCK on the test's own thread. Which outcome is right
     * depends on who runs the test: the kernel skips the limit for a thread holding CAP_IPC_LOCK
     * (root here, and in most containers), so then the region is locked and nothing falls back;
     * without it the lock is refused and the message names RLIMIT_MEMLOCK. The refusal itself is
     * forced on every machine by {@link #aLockRefusedByRlimitMemlockFallsBackWithAClearMessage}.
     */
    @Test
    void aLockBeyondRlimitMemlockSucceedsOnlyWithCapIpcLock() {
        long soft = OsMemory.memlockLimit()[0];
        assumeTrue(soft != LibC.RLIM_INFINITY && soft <= 256 * MIB,
                "RLIMIT_MEMLOCK is " + OsMemory.bytes(soft) + ": no test region exceeds it");
        long bytes = MmapRegion.alignUp(soft + 2 * MIB, 2 * MIB);
        boolean privileged = OsMemory.hasEffectiveCapability(OsMemory.CAP_IPC_LOCK);
        MmapPageSource source = MmapPageSource.builder().lockMemory(true).logger(new RecordingLogger()).build();
        long before = Proc.vmLckKb();
        MmapRegion r = (MmapRegion) source.reserve(bytes, 4096);
        try {
            System.out.println("[mlock] RLIMIT_MEMLOCK soft " + OsMemory.bytes(soft) + ", region " + OsMemory.bytes(bytes)
                    + ", CAP_IPC_LOCK " + privileged + " -> locked " + r.locked() + ", VmLck " + before + " -> "
                    + Proc.vmLckKb() + " kB, fallbacks " + source.fallbacks());
            if (privileged) {
                assertTrue(r.locked());
                assertEquals(before + (bytes >> 10), Proc.vmLckKb());
                assertEquals(List.of(), source.fallbacks());
            } else {
                assertFalse(r.locked());
                assertEquals(1, source.fallbacks().size());
                assertTrue(source.fallbacks().get(0).contains("RLIMIT_MEMLOCK"), source.fallbacks().get(0));
            }
        } finally {
            r.release();
        }
    }

    /**
     * Forces the refusal wherever the test runs: on a thread of its own it drops CAP_IPC_LOCK from
     * its effective set (credentials are per thread on Linux; the rest of the JVM keeps them), and
     * where RLIMIT_MEMLOCK is unlimited it lowers the soft limit to 4 MiB for the test's duration.
     * Then a region larger than the limit is refused; the source must fall back to unlocked,
     * usable memory with one message that names RLIMIT_MEMLOCK, its value and the way to raise it.
     */
    @Test
    void aLockRefusedByRlimitMemlockFallsBackWithAClearMessage() throws Throwable {
        long[] limit = OsMemory.memlockLimit();
        boolean lowered = limit[0] == LibC.RLIM_INFINITY || limit[0] > 256 * MIB;
        long soft = lowered ? 4 * MIB : limit[0];
        if (lowered) {
            ThreadCredentials.setMemlockLimit(soft, limit[1]);
        }
        try {
            long bytes = MmapRegion.alignUp(soft + 2 * MIB, 2 * MIB);
            RecordingLogger logger = new RecordingLogger();
            MmapPageSource source = MmapPageSource.builder().lockMemory(true).prefault(true).logger(logger).build();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread unprivileged = new Thread(() -> {
                try {
                    ThreadCredentials.dropEffectiveCapability(OsMemory.CAP_IPC_LOCK);
                    assertFalse(OsMemory.hasEffectiveCapability(OsMemory.CAP_IPC_LOCK));
                    for (int i = 0; i < 2; i++) {
                        MmapRegion r = (MmapRegion) source.reserve(bytes, 4096);
                        try {
                            assertFalse(r.locked());
                            r.memory().set(ValueLayout.JAVA_LONG, bytes - 8, 1L); // usable all the same
                            assertEquals(bytes >> 10, Residency.residentKb(r.memory()), "pre-faulted instead");
                        } finally {
                            r.release();
                        }
                    }
                } catch (Throwable t) {
                    failure.set(t);
                }
            }, "without-CAP_IPC_LOCK");
            unprivileged.start();
            unprivileged.join();
            if (failure.get() != null) {
                throw failure.get();
            }
            assertEquals(1, source.fallbacks().size(), source.fallbacks().toString());
            assertEquals(1, logger.messages.size(), "logged once per source, not per region");
            String m = source.fallbacks().get(0);
            System.out.println("[mlock] " + m);
            for (String part : new String[] {"mlock of a region of " + OsMemory.bytes(bytes) + " refused",
                    "ENOMEM", "RLIMIT_MEMLOCK allows " + OsMemory.bytes(soft), "lacks CAP_IPC_LOCK",
                    "not locked", "pre-faulted instead", "ulimit -l", "LimitMEMLOCK="}) {
                assertTrue(m.contains(part), "'" + part + "' missing from: " + m);
            }
            assertEquals(0, source.lockedBytes());
        } finally {
            if (lowered) {
                ThreadCredentials.setMemlockLimit(limit[0], limit[1]);
            }
        }
    }
}
