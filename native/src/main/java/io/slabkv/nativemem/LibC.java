package io.slabkv.nativemem;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * Downcalls into libc, one static final handle per function. Each wrapper turns a failed call
 * into a {@link NativeCallException} carrying the {@code errno} captured by the linker right after
 * the call (reading it later from Java would see whatever the JVM's own calls left there).
 *
 * <p>The constants are Linux's generic values, shared by x86-64, AArch64 and RISC-V;
 * {@link MmapPageSource} refuses other platforms before this class is loaded.
 */
@SuppressWarnings("restricted") // downcalls are this class's purpose; see the module's native-access note
final class LibC {

    static final int PROT_NONE = 0, PROT_READ = 1, PROT_WRITE = 2;
    static final int MAP_PRIVATE = 0x02, MAP_FIXED = 0x10, MAP_ANONYMOUS = 0x20,
            MAP_NORESERVE = 0x4000, MAP_HUGETLB = 0x40000;
    static final int MADV_DONTNEED = 4, MADV_HUGEPAGE = 14, MADV_POPULATE_WRITE = 23;
    static final int SC_PAGESIZE = 30;
    static final int RLIMIT_MEMLOCK = 8;
    /** {@code RLIM_INFINITY}: all bits set, -1 as a signed long. */
    static final long RLIM_INFINITY = -1L;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(PathElement.groupElement("errno"));

    private static final MethodHandle MMAP = withErrno("mmap",
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle MUNMAP = withErrno("munmap",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle MADVISE = withErrno("madvise",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle MLOCK = withErrno("mlock",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle MUNLOCK = withErrno("munlock",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle GETRLIMIT = withErrno("getrlimit",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle SYSCONF = withErrno("sysconf",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT));
    private static final MethodHandle STRERROR = LINKER.downcallHandle(symbol("strerror"),
            FunctionDescriptor.of(ADDRESS, JAVA_INT));

    private LibC() {
    }

    private static MemorySegment symbol(String name) {
        return LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new UnsupportedOperationException("libc has no symbol '" + name + "'"));
    }

    private static MethodHandle withErrno(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(symbol(name), descriptor, Linker.Option.captureCallState("errno"));
    }

    private static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    private static RuntimeException unexpected(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException("downcall failed", t);
    }

    /** {@code mmap(addr, length, prot, flags, -1, 0)}: an anonymous mapping; returns its address. */
    static long mmap(long address, long length, int prot, int flags) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(CALL_STATE);
            MemorySegment r = (MemorySegment) MMAP.invokeExact(state, MemorySegment.ofAddress(address),
                    length, prot, flags, -1, 0L);
            if (r.address() == -1L) { // MAP_FAILED
                throw new NativeCallException("mmap", hex(address) + ", " + length + ", " + protNames(prot)
                        + ", " + mapNames(flags) + ", -1, 0", errno(state));
            }
            return r.address();
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static void munmap(long address, long length) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(CALL_STATE);
            int r = (int) MUNMAP.invokeExact(state, MemorySegment.ofAddress(address), length);
            if (r != 0) {
                throw new NativeCallException("munmap", hex(address) + ", " + length, errno(state));
            }
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /**
     * {@code madvise} over {@code range}. Passing the segment (not its address) makes the FFM
     * runtime keep its arena open for the length of the call, so a concurrent release fails
     * instead of unmapping under the kernel's feet.
     */
    static void madvise(MemorySegment range, int advice) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(CALL_STATE);
            int r = (int) MADVISE.invokeExact(state, range, range.byteSize(), advice);
            if (r != 0) {
                throw new NativeCallException("madvise", hex(range.address()) + ", " + range.byteSize() + ", "
                        + adviceName(advice), errno(state));
            }
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static void mlock(MemorySegment range) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(CALL_STATE);
            int r = (int) MLOCK.invokeExact(state, range, range.byteSize());
            if (r != 0) {
                throw new NativeCallException("mlock", hex(range.address()) + ", " + range.byteSize(), errno(state));
            }
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static void munlock(MemorySegment range) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(CALL_STATE);
            int r = (int) MUNLOCK.invokeExact(state, range, range.byteSize());
            if (r != 0) {
                throw new NativeCallException("munlock", hex(range.address()) + ", " + range.byteSize(), errno(state));
            }
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code getrlimit(resource)} as {@code {soft, hard}}; {@link #RLIM_INFINITY} means no limit. */
    static long[] getrlimit(int resource) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(CALL_STATE);
            MemorySegment limits = a.allocate(JAVA_LONG, 2); // struct rlimit { rlim_t cur, max; }
            int r = (int) GETRLIMIT.invokeExact(state, resource, limits);
            if (r != 0) {
                throw new NativeCallException("getrlimit", String.valueOf(resource), errno(state));
            }
            return new long[] {limits.getAtIndex(JAVA_LONG, 0), limits.getAtIndex(JAVA_LONG, 1)};
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static long sysconf(int name) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(CALL_STATE);
            long r = (long) SYSCONF.invokeExact(state, name);
            if (r == -1L) {
                throw new NativeCallException("sysconf", String.valueOf(name), errno(state));
            }
            return r;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** libc's text for {@code errno}, e.g. {@code "Cannot allocate memory"}. */
    static String strerror(int errno) {
        try {
            MemorySegment text = (MemorySegment) STRERROR.invokeExact(errno);
            return text.equals(MemorySegment.NULL) ? "unknown error"
                    : text.reinterpret(Long.MAX_VALUE).getString(0);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static String hex(long address) {
        return "0x" + Long.toHexString(address);
    }

    static String protNames(int prot) {
        if (prot == PROT_NONE) {
            return "PROT_NONE";
        }
        return flagNames(prot, new int[] {PROT_READ, PROT_WRITE}, new String[] {"PROT_READ", "PROT_WRITE"});
    }

    static String mapNames(int flags) {
        return flagNames(flags,
                new int[] {MAP_PRIVATE, MAP_FIXED, MAP_ANONYMOUS, MAP_NORESERVE, MAP_HUGETLB},
                new String[] {"MAP_PRIVATE", "MAP_FIXED", "MAP_ANONYMOUS", "MAP_NORESERVE", "MAP_HUGETLB"});
    }

    static String adviceName(int advice) {
        return switch (advice) {
            case MADV_DONTNEED -> "MADV_DONTNEED";
            case MADV_HUGEPAGE -> "MADV_HUGEPAGE";
            case MADV_POPULATE_WRITE -> "MADV_POPULATE_WRITE";
            default -> String.valueOf(advice);
        };
    }

    private static String flagNames(int bits, int[] values, String[] names) {
        StringBuilder sb = new StringBuilder();
        int rest = bits;
        for (int i = 0; i < values.length; i++) {
            if ((bits & values[i]) != 0) {
                sb.append(sb.isEmpty() ? "" : "|").append(names[i]);
                rest &= ~values[i];
            }
        }
        if (rest != 0) {
            sb.append(sb.isEmpty() ? "" : "|").append("0x").append(Integer.toHexString(rest));
        }
        return sb.toString();
    }
}
