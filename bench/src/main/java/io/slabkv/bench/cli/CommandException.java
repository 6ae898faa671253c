package io.slabkv.bench.cli;

import java.io.Serial;

/**
 * A command could not do its job for a reason the user can act on (the store refused the settings,
 * the store filled, a trace is malformed). {@link Main} prints the one-line message, without the
 * usage, and exits with {@link #exitCode()}.
 */
final class CommandException extends Exception {

    @Serial
    private static final long serialVersionUID = 1L;

    private final int exitCode;

    CommandException(String message, int exitCode) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
