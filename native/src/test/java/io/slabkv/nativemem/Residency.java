package io.slabkv.nativemem;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * Which pages of a range are resident, by {@code mincore}: exact for the range, unlike the
 * figures of /proc/self/smaps, which cover a whole mapping (and the kernel may merge a region
 * with a neighbouring mapping of the same kind).
 */
@SuppressWarnings("restricted")
final class Residency {

    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle MINCORE = LINKER.downcallHandle(
            LINKER.defaultLookup().find("mincore").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS));

    private Residency() {
    }

    /** Resident bytes of {@code range} (whose address is page-aligned), in kB. */
    static long residentKb(MemorySegment range) throws Throwable {
        long page = OsMemory.pageSize();
        long pages = (range.byteSize() + page - 1) / page;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment vec = a.allocate(pages);
            if ((int) MINCORE.invokeExact(range, range.byteSize(), vec) != 0) {
                throw new AssertionError("mincore failed");
            }
            long resident = 0;
            for (long i = 0; i < pages; i++) {
                resident += vec.get(JAVA_BYTE, i) & 1;
            }
            return resident * page >> 10;
        }
    }
}
