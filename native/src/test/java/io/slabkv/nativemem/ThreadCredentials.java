package io.slabkv.nativemem;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * Test-only downcalls that change what the kernel lets this process lock: dropping
 * {@code CAP_IPC_LOCK} from the calling thread's effective set (Linux credentials are per thread,
 * and glibc's {@code capset} is the bare system call, so no other thread is affected), and
 * setting {@code RLIMIT_MEMLOCK}.
 */
@SuppressWarnings("restricted")
final class ThreadCredentials {

    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle CAPGET = handle("capget", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle CAPSET = handle("capset", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle SETRLIMIT = handle("setrlimit",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    private static final int LINUX_CAPABILITY_VERSION_3 = 0x20080522;

    private ThreadCredentials() {
    }

    private static MethodHandle handle(String name, FunctionDescriptor fd) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), fd);
    }

    /** Removes {@code capability} (below 32) from the calling thread's effective set. */
    static void dropEffectiveCapability(int capability) throws Throwable {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment header = a.allocate(JAVA_INT, 2); // { __u32 version; int pid; } pid 0 = this thread
            header.setAtIndex(JAVA_INT, 0, LINUX_CAPABILITY_VERSION_3);
            MemorySegment data = a.allocate(JAVA_INT, 6);   // 2 x { effective, permitted, inheritable }
            if ((int) CAPGET.invokeExact(header, data) != 0) {
                throw new AssertionError("capget failed");
            }
            data.setAtIndex(JAVA_INT, 0, data.getAtIndex(JAVA_INT, 0) & ~(1 << capability));
            if ((int) CAPSET.invokeExact(header, data) != 0) {
                throw new AssertionError("capset failed");
            }
        }
    }

    static void setMemlockLimit(long soft, long hard) throws Throwable {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment limits = a.allocate(JAVA_LONG, 2);
            limits.setAtIndex(JAVA_LONG, 0, soft);
            limits.setAtIndex(JAVA_LONG, 1, hard);
            if ((int) SETRLIMIT.invokeExact(LibC.RLIMIT_MEMLOCK, limits) != 0) {
                throw new AssertionError("setrlimit(RLIMIT_MEMLOCK) failed");
            }
        }
    }
}
