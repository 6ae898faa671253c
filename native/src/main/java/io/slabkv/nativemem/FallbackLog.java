package io.slabkv.nativemem;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.function.Supplier;

/**
 * The fallbacks one page source took: each kind is logged once (at {@code WARNING}) and kept
 * for {@link MmapPageSource#fallbacks()}, however many regions run into it afterwards.
 */
final class FallbackLog {

    enum Kind { EXPLICIT_HUGE_PAGES, TRANSPARENT_HUGE_PAGES, MLOCK, DISCARD }

    private final Logger logger;
    private final String sourceName;
    private final EnumSet<Kind> taken = EnumSet.noneOf(Kind.class); // guarded by this
    private final List<String> messages = new ArrayList<>();        // guarded by this

    FallbackLog(Logger logger, String sourceName) {
        this.logger = logger;
        this.sourceName = sourceName;
    }

    /** Records and logs the fallback unless this kind was already recorded; returns whether it was new. */
    boolean record(Kind kind, Supplier<String> message) {
        String text;
        synchronized (this) {
            if (!taken.add(kind)) {
                return false;
            }
            text = "page source " + sourceName + ": " + message.get();
            messages.add(text);
        }
        logger.log(Level.WARNING, text); // outside the lock: a logger may be slow or reentrant
        return true;
    }

    synchronized boolean taken(Kind kind) {
        return taken.contains(kind);
    }

    synchronized List<String> messages() {
        return List.copyOf(messages);
    }
}
