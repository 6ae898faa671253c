package io.slabkv.nativemem;

import io.slabkv.arena.PageSource;
import io.slabkv.arena.Region;
import io.slabkv.nativemem.FallbackLog.Kind;
import java.lang.System.Logger;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A page source that maps memory straight from the kernel with {@code mmap}, through FFM downcalls
 * into libc (no JNI). Unlike the arena sources it can give a page's memory back to the OS while
 * the region stays mapped ({@link Region#discard} is {@code madvise(MADV_DONTNEED)}), and it can
 * ask for huge pages, lock memory and pre-fault it:
 *
 * <ul>
 *   <li>{@linkplain Builder#transparentHugePages transparent huge pages}: regions are aligned to
 *       the THP size and advised {@code MADV_HUGEPAGE}, so the kernel backs them with 2 MiB pages
 *       when it can (fewer TLB misses on a large store).</li>
 *   <li>{@linkplain Builder#explicitHugePages explicit huge pages}: {@code MAP_HUGETLB}, from the
 *       pool the administrator reserved ({@code vm.nr_hugepages}). When the kernel refuses (none
 *       configured, or too few free) the source falls back to normal pages with transparent huge
 *       pages for this and every later region.</li>
 *   <li>{@linkplain Builder#lockMemory locking}: {@code mlock}, so the hot path never takes a page
 *       fault or waits for swap. When {@code RLIMIT_MEMLOCK} refuses, regions stay unlocked.</li>
 *   <li>{@linkplain Builder#prefault pre-faulting}: every page is populated when the region is
 *       reserved ({@code MADV_POPULATE_WRITE}, or a write per page on kernels before 5.14), so the
 *       first allocations do not pay the faults.</li>
 * </ul>
 *
 * <p>A refused option is never an error: the region is still reserved, and the fallback is
 * logged once per source through {@link System.Logger} and kept in {@link #fallbacks()}. Only a
 * refused {@code mmap} of normal pages fails, with the {@link OutOfMemoryError} the
 * {@link PageSource} contract names.
 *
 * <p>Every region's segment belongs to its own {@link Arena} (shared, or confined to the reserving
 * thread with {@link Builder#threadConfined}); release closes it before {@code munmap}, so touching
 * released memory throws rather than crashes. Reserving and releasing are rare and may be called
 * from any thread; a region's {@code discard} and {@code release} are not meant to race each other.
 */
public final class MmapPageSource implements PageSource {

    private static final Set<String> ARCHITECTURES = Set.of("amd64", "x86_64", "aarch64", "riscv64");
    private static final long MAX_REGION = 1L << 46; // 64 TiB: half the smallest user address space
    private static final long MAX_ALIGNMENT = 1L << 30;

    private final boolean transparentHugePages;
    private final boolean explicitHugePages;
    private final boolean lockMemory;
    private final boolean prefault;
    private final boolean threadConfined;
    private final String name;
    private final long osPageSize;
    private final long hugePageSize;
    private final long thpSize;
    private final FallbackLog fallbacks;

    // Latched when the kernel refuses once; later regions do not ask again.
    private volatile boolean hugetlbRefused;
    private volatile boolean lockRefused;
    private volatile boolean discardRefused;

    private final AtomicInteger regions = new AtomicInteger();
    private final AtomicLong mappedBytes = new AtomicLong();
    private final AtomicLong lockedBytes = new AtomicLong();

    /** A source with no options: normal pages, not locked, faulted on first touch. */
    public MmapPageSource() {
        this(new Builder());
    }

    private MmapPageSource(Builder b) {
        checkPlatform(System.getProperty("os.name"), System.getProperty("os.arch"));
        this.transparentHugePages = b.transparentHugePages;
        this.explicitHugePages = b.explicitHugePages;
        this.lockMemory = b.lockMemory;
        this.prefault = b.prefault;
        this.threadConfined = b.threadConfined;
        this.name = describe(b);
        this.osPageSize = nativePageSize();
        this.hugePageSize = OsMemory.hugePageSize();
        this.thpSize = OsMemory.transparentHugePageSize();
        this.fallbacks = new FallbackLog(
                b.logger != null ? b.logger : System.getLogger(MmapPageSource.class.getName()), name);
    }

    public static Builder builder() {
        return new Builder();
    }

    static void checkPlatform(String os, String arch) {
        if (os == null || !os.toLowerCase(Locale.ROOT).startsWith("linux")) {
            throw new UnsupportedOperationException("MmapPageSource needs Linux (mmap, madvise and mlock "
                    + "through libc); this JVM runs on " + os + ". Use SharedArenaPageSource instead.");
        }
        if (arch == null || !ARCHITECTURES.contains(arch)) {
            throw new UnsupportedOperationException("MmapPageSource knows the mmap constants of Linux on "
                    + "x86-64, AArch64 and RISC-V; this JVM runs on " + arch + ". Use SharedArenaPageSource instead.");
        }
    }

    /** The first downcall; where native access is denied it says how to allow it. */
    private static long nativePageSize() {
        try {
            return OsMemory.pageSize();
        } catch (IllegalCallerException | ExceptionInInitializerError | NoClassDefFoundError e) {
            throw new IllegalCallerException("MmapPageSource calls libc through the FFM linker, and native"
                    + " access is denied to " + MmapPageSource.class.getModule() + ". Run with"
                    + " --enable-native-access=io.slabkv.nativemem (module path) or ALL-UNNAMED (class path)", e);
        }
    }

    private static String describe(Builder b) {
        StringBuilder sb = new StringBuilder();
        if (b.explicitHugePages) {
            sb.append(",hugetlb");
        }
        if (b.transparentHugePages) {
            sb.append(",thp");
        }
        if (b.lockMemory) {
            sb.append(",mlock");
        }
        if (b.prefault) {
            sb.append(",prefault");
        }
        if (b.threadConfined) {
            sb.append(",confined");
        }
        return sb.isEmpty() ? "mmap" : "mmap[" + sb.substring(1) + "]";
    }

    // ---------------------------------------------------------------- reserve

    /**
     * Maps {@code bytes} of anonymous private memory aligned to {@code alignment}, applying the
     * options this source was built with (or their fallbacks).
     *
     * @throws IllegalArgumentException when {@code bytes} is not a positive multiple of the OS page
     *         size, or {@code alignment} not a power of two up to 1 GiB
     * @throws OutOfMemoryError when the kernel refuses the mapping itself
     */
    @Override
    public Region reserve(long bytes, long alignment) {
        if (bytes <= 0 || bytes % osPageSize != 0 || bytes > MAX_REGION) {
            throw new IllegalArgumentException("region size " + bytes + " must be a positive multiple of the OS "
                    + "page size (" + osPageSize + " bytes), at most " + OsMemory.bytes(MAX_REGION));
        }
        if (alignment <= 0 || Long.bitCount(alignment) != 1 || alignment > MAX_ALIGNMENT) {
            throw new IllegalArgumentException("alignment " + alignment + " must be a power of two from 1 to "
                    + MAX_ALIGNMENT + " bytes");
        }
        Arena arena = threadConfined ? Arena.ofConfined() : Arena.ofShared();
        MemorySegment mapping = null;
        try {
            boolean hugetlb = explicitHugePages && !hugetlbRefused;
            if (hugetlb) {
                mapping = mapHugetlb(bytes, alignment, arena);
                hugetlb = mapping != null;
            }
            if (mapping == null) {
                boolean thp = transparentHugePages || explicitHugePages;
                long align = Math.max(alignment, thp && bytes >= thpSize ? thpSize : osPageSize);
                mapping = map(bytes, align, LibC.MAP_PRIVATE | LibC.MAP_ANONYMOUS, osPageSize, arena);
                if (thp) {
                    adviseHugePages(mapping);
                }
            }
            boolean locked = lockMemory && !lockRefused && lock(mapping);
            if (prefault && !locked) { // mlock already faulted every page in
                populate(mapping, hugetlb ? hugePageSize : osPageSize);
            }
            MmapRegion region = new MmapRegion(this, arena, mapping, bytes, hugetlb ? hugePageSize : osPageSize,
                    hugetlb, locked);
            regions.incrementAndGet();
            mappedBytes.addAndGet(mapping.byteSize());
            if (locked) {
                lockedBytes.addAndGet(mapping.byteSize());
            }
            return region;
        } catch (NativeCallException e) {
            undo(arena, mapping);
            OutOfMemoryError oom = new OutOfMemoryError(name + " page source could not reserve a region of "
                    + bytes + " bytes: " + e.getMessage());
            oom.initCause(e);
            throw oom;
        } catch (RuntimeException | Error e) {
            undo(arena, mapping);
            throw e;
        }
    }

    private static void undo(Arena arena, MemorySegment mapping) {
        arena.close();
        if (mapping != null) {
            try {
                LibC.munmap(mapping.address(), mapping.byteSize());
            } catch (NativeCallException suppressed) {
                // the mapping stays; nothing better to do on a path that is already failing
            }
        }
    }

    /** A MAP_HUGETLB mapping, or null (and the fallback recorded) when the kernel refuses it. */
    private MemorySegment mapHugetlb(long bytes, long alignment, Arena arena) {
        long length = MmapRegion.alignUp(bytes, hugePageSize);
        try {
            return map(length, Math.max(alignment, hugePageSize),
                    LibC.MAP_PRIVATE | LibC.MAP_ANONYMOUS | LibC.MAP_HUGETLB, hugePageSize, arena);
        } catch (NativeCallException e) {
            hugetlbRefused = true;
            fallbacks.record(Kind.EXPLICIT_HUGE_PAGES, () -> "explicit huge pages (MAP_HUGETLB, "
                    + OsMemory.bytes(hugePageSize) + ") refused for a region of " + OsMemory.bytes(length)
                    + ": " + e.getMessage() + ". The kernel's huge page pool: vm.nr_hugepages = "
                    + OsMemory.vmSetting("nr_hugepages") + ", vm.nr_overcommit_hugepages = "
                    + OsMemory.vmSetting("nr_overcommit_hugepages") + ", HugePages_Free = "
                    + OsMemory.meminfoKb("HugePages_Free") + ". Falling back to normal pages with transparent"
                    + " huge pages (madvise MADV_HUGEPAGE) for this and every later region of this source."
                    + " To use explicit huge pages, reserve enough of them: sysctl -w vm.nr_hugepages=N, with N"
                    + " pages of " + OsMemory.bytes(hugePageSize) + " covering the store's memory limit");
            return null;
        }
    }

    /**
     * An anonymous mapping of {@code length} bytes at an address aligned to {@code alignment}. The
     * kernel aligns to {@code natural} by itself; for more, reserve a larger span of address space
     * (PROT_NONE, no memory), map the aligned middle of it over that with MAP_FIXED, and unmap the
     * ends.
     */
    @SuppressWarnings("restricted") // the segment covers exactly the mapping the kernel just made
    private static MemorySegment map(long length, long alignment, int flags, long natural, Arena arena) {
        int prot = LibC.PROT_READ | LibC.PROT_WRITE;
        long address;
        if (alignment <= natural) {
            address = LibC.mmap(0, length, prot, flags);
        } else {
            long span = length + alignment;
            long base = LibC.mmap(0, span, LibC.PROT_NONE,
                    LibC.MAP_PRIVATE | LibC.MAP_ANONYMOUS | LibC.MAP_NORESERVE);
            address = MmapRegion.alignUp(base, alignment);
            try {
                LibC.mmap(address, length, prot, flags | LibC.MAP_FIXED);
            } catch (NativeCallException e) {
                LibC.munmap(base, span);
                throw e;
            }
            if (address > base) {
                LibC.munmap(base, address - base);
            }
            long end = address + length;
            if (base + span > end) {
                LibC.munmap(end, base + span - end);
            }
        }
        return MemorySegment.ofAddress(address).reinterpret(length, arena, null);
    }

    private void adviseHugePages(MemorySegment mapping) {
        String mode = OsMemory.transparentHugePageMode();
        try {
            LibC.madvise(mapping, LibC.MADV_HUGEPAGE);
            if (mode.equals("never")) {
                fallbacks.record(Kind.TRANSPARENT_HUGE_PAGES, () -> "transparent huge pages requested, but the "
                        + "kernel's mode is 'never' (/sys/kernel/mm/transparent_hugepage/enabled); regions use "
                        + OsMemory.bytes(osPageSize) + " pages. To allow them: echo madvise > "
                        + "/sys/kernel/mm/transparent_hugepage/enabled");
            }
        } catch (NativeCallException e) {
            fallbacks.record(Kind.TRANSPARENT_HUGE_PAGES, () -> "transparent huge pages refused: " + e.getMessage()
                    + " (THP mode: " + mode + "; a kernel built without CONFIG_TRANSPARENT_HUGEPAGE says EINVAL)."
                    + " Regions use " + OsMemory.bytes(osPageSize) + " pages");
        }
    }

    /** Locks the mapping; on refusal latches the fallback and returns false. */
    private boolean lock(MemorySegment mapping) {
        try {
            LibC.mlock(mapping);
            return true;
        } catch (NativeCallException e) {
            lockRefused = true;
            try {
                LibC.munlock(mapping); // EAGAIN may have left part of it locked
            } catch (NativeCallException ignored) {
                // nothing was locked
            }
            fallbacks.record(Kind.MLOCK, () -> mlockRefusal(mapping.byteSize(), e));
            return false;
        }
    }

    private String mlockRefusal(long bytes, NativeCallException e) {
        long[] limit = OsMemory.memlockLimit();
        return "mlock of a region of " + OsMemory.bytes(bytes) + " refused: " + e.getMessage()
                + ". RLIMIT_MEMLOCK allows " + OsMemory.bytes(limit[0]) + " of locked memory per process (soft "
                + OsMemory.bytes(limit[0]) + ", hard " + OsMemory.bytes(limit[1]) + "; locked now: VmLck "
                + OsMemory.statusKb("VmLck") + " kB) and the thread "
                + (OsMemory.hasEffectiveCapability(OsMemory.CAP_IPC_LOCK) ? "has" : "lacks")
                + " CAP_IPC_LOCK. This and later regions of this source are not locked (they may fault or be"
                + " swapped" + (prefault ? "; they are pre-faulted instead" : "") + "). To lock them, raise"
                + " RLIMIT_MEMLOCK (ulimit -l, LimitMEMLOCK= in a systemd unit, memlock in"
                + " /etc/security/limits.conf) or grant CAP_IPC_LOCK";
    }

    /** Faults every page in: MADV_POPULATE_WRITE, or one write per page where the kernel lacks it. */
    private static void populate(MemorySegment mapping, long page) {
        try {
            LibC.madvise(mapping, LibC.MADV_POPULATE_WRITE);
        } catch (NativeCallException e) {
            if (e.errno() != Errno.EINVAL) {
                throw e; // ENOMEM and friends: the memory is not there; reserve fails
            }
            for (long off = 0; off < mapping.byteSize(); off += page) {
                mapping.set(ValueLayout.JAVA_BYTE, off, (byte) 0); // fresh anonymous memory is zero already
            }
        }
    }

    // ---------------------------------------------------------------- called by regions

    boolean discardRefused() {
        return discardRefused;
    }

    void discardFailed(MmapRegion region, NativeCallException e) {
        discardRefused = true;
        fallbacks.record(Kind.DISCARD, () -> "giving pages back with madvise(MADV_DONTNEED) failed on " + region
                + ": " + e.getMessage() + ". Freed pages of this source stay resident until their region is"
                + " released");
    }

    void released(MmapRegion region) {
        regions.decrementAndGet();
        mappedBytes.addAndGet(-region.mappedBytes());
        if (region.locked()) {
            lockedBytes.addAndGet(-region.mappedBytes());
        }
    }

    // ---------------------------------------------------------------- queries

    /**
     * The fallbacks this source took, one message per kind in the order they happened: each
     * names the refused call, the errno, the kernel setting behind it and what the source does
     * instead. Empty when every requested option worked.
     */
    public List<String> fallbacks() {
        return fallbacks.messages();
    }

    /** Regions reserved and not yet released. */
    public int regions() {
        return regions.get();
    }

    /** Bytes mapped by live regions (a hugetlb region rounds up to whole huge pages). */
    public long mappedBytes() {
        return mappedBytes.get();
    }

    /** Bytes of live regions that are locked in memory. */
    public long lockedBytes() {
        return lockedBytes.get();
    }

    /** The OS base page size; region sizes are multiples of it. */
    public long osPageSize() {
        return osPageSize;
    }

    @Override
    public boolean confined() {
        return threadConfined;
    }

    /** {@code "mmap"} followed by the requested options, e.g. {@code "mmap[thp,mlock]"}. */
    @Override
    public String name() {
        return name;
    }

    @Override
    public String toString() {
        return name + "[" + regions() + " regions, " + mappedBytes() + " bytes mapped, " + lockedBytes()
                + " locked, " + fallbacks().size() + " fallbacks]";
    }

    // ---------------------------------------------------------------- builder

    /** Options of an {@link MmapPageSource}; all off by default. */
    public static final class Builder {
        boolean transparentHugePages;
        boolean explicitHugePages;
        boolean lockMemory;
        boolean prefault;
        boolean threadConfined;
        Logger logger;

        private Builder() {
        }

        /** Align regions to the THP size and advise {@code MADV_HUGEPAGE}. */
        public Builder transparentHugePages(boolean on) {
            this.transparentHugePages = on;
            return this;
        }

        /**
         * Map regions with {@code MAP_HUGETLB} from the kernel's reserved pool (default huge page
         * size). Falls back to normal pages with transparent huge pages when refused. Discard gives
         * back whole huge pages only: give the allocator pages of at least the huge page size if
         * freed pages should return to the pool of huge pages.
         */
        public Builder explicitHugePages(boolean on) {
            this.explicitHugePages = on;
            return this;
        }

        /**
         * {@code mlock} each region. Locked regions stay resident: their discard gives nothing
         * back. Falls back to unlocked regions when {@code RLIMIT_MEMLOCK} refuses.
         */
        public Builder lockMemory(boolean on) {
            this.lockMemory = on;
            return this;
        }

        /** Fault every page in when a region is reserved rather than on first touch. */
        public Builder prefault(boolean on) {
            this.prefault = on;
            return this;
        }

        /**
         * Give each region a confined arena: only the reserving thread may touch or release it,
         * and releasing needs no handshake. For a {@code ConfinedSlabAllocator}.
         */
        public Builder threadConfined(boolean on) {
            this.threadConfined = on;
            return this;
        }

        /** Where fallback messages go; default {@code System.getLogger("io.slabkv.nativemem.MmapPageSource")}. */
        public Builder logger(Logger logger) {
            this.logger = Objects.requireNonNull(logger, "logger");
            return this;
        }

        /**
         * @throws UnsupportedOperationException when not on Linux (x86-64, AArch64 or RISC-V)
         */
        public MmapPageSource build() {
            return new MmapPageSource(this);
        }
    }
}
