package io.slabkv.bench.cli;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A public door to {@link TraceReader} for code outside this package (the policy replay in
 * {@code io.slabkv.bench.replay}): reads a trace in any of the formats the reader knows, telling
 * the format from the file.
 */
public final class TraceRequests {

    /** Receives one request: its key, and its object size in bytes or -1 when the trace has no sizes. */
    @FunctionalInterface
    public interface Sink {
        void accept(long key, long size);
    }

    private TraceRequests() {
    }

    /**
     * Reads up to {@code maxRequests} requests of {@code trace} (0: all of them) into {@code sink}.
     *
     * @return the trace's description, for example {@code gzip, text keys}
     * @throws IOException when the file cannot be read or its format cannot be told
     */
    public static String read(Path trace, long maxRequests, Sink sink) throws IOException {
        try (TraceReader r = TraceReader.open(trace, TraceReader.Format.AUTO)) {
            boolean sized = r.hasSizes();
            long n = 0;
            while ((maxRequests <= 0 || n < maxRequests) && r.next()) {
                n++;
                sink.accept(r.key(), sized ? r.size() : -1);
            }
            return r.description();
        }
    }
}
