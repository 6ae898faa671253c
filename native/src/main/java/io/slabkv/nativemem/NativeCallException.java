package io.slabkv.nativemem;

/**
 * A libc call returned failure. The message names the call with its arguments, the {@code errno}
 * number, its symbolic name and its meaning, for example
 * {@code munmap(0x7f3a40000000, 67108864) failed: errno 22 EINVAL (Invalid argument)}.
 */
public final class NativeCallException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String call;
    private final int errno;

    NativeCallException(String call, String arguments, int errno) {
        super(call + "(" + arguments + ") failed: " + Errno.describe(errno));
        this.call = call;
        this.errno = errno;
    }

    /** The libc function that failed, e.g. {@code "mmap"}. */
    public String call() {
        return call;
    }

    /** The {@code errno} the call left behind. */
    public int errno() {
        return errno;
    }

    /** The symbolic name of {@link #errno()}, e.g. {@code "ENOMEM"}. */
    public String errnoName() {
        return Errno.name(errno);
    }
}
