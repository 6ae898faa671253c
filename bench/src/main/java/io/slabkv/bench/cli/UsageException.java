package io.slabkv.bench.cli;

import java.io.Serial;

/**
 * Bad command-line input: an unknown option, a value that does not parse or is out of range, a
 * missing file. {@link Main} prints the one-line message and the command's usage on stderr and
 * exits with {@link Main#EXIT_USAGE}.
 */
final class UsageException extends Exception {

    @Serial
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message, null, false, false);
    }
}
