package io.slabkv.nativemem;

/**
 * Names and meanings of Linux {@code errno} values. The names are the kernel's generic numbering
 * (x86-64, AArch64, RISC-V); the meaning is libc's own {@code strerror} text.
 */
final class Errno {

    static final int EPERM = 1, EAGAIN = 11, ENOMEM = 12, EINVAL = 22;

    private static final String[] NAMES = {
        null, "EPERM", "ENOENT", "ESRCH", "EINTR", "EIO", "ENXIO", "E2BIG", "ENOEXEC", "EBADF",
        "ECHILD", "EAGAIN", "ENOMEM", "EACCES", "EFAULT", "ENOTBLK", "EBUSY", "EEXIST", "EXDEV",
        "ENODEV", "ENOTDIR", "EISDIR", "EINVAL", "ENFILE", "EMFILE", "ENOTTY", "ETXTBSY", "EFBIG",
        "ENOSPC", "ESPIPE", "EROFS", "EMLINK", "EPIPE", "EDOM", "ERANGE", "EDEADLK", "ENAMETOOLONG",
        "ENOLCK", "ENOSYS", "ENOTEMPTY", "ELOOP",
    };

    private Errno() {
    }

    /** {@code "ENOMEM"}; a number outside the table gets {@code "E?"}. */
    static String name(int errno) {
        if (errno > 0 && errno < NAMES.length) {
            return NAMES[errno];
        }
        return switch (errno) {
            case 75 -> "EOVERFLOW";
            case 95 -> "EOPNOTSUPP";
            case 133 -> "EHWPOISON";
            default -> "E?";
        };
    }

    /** {@code "errno 12 ENOMEM (Cannot allocate memory)"}. */
    static String describe(int errno) {
        return "errno " + errno + " " + name(errno) + " (" + LibC.strerror(errno) + ")";
    }
}
