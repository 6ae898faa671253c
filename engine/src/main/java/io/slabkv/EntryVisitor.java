package io.slabkv;

import java.lang.foreign.MemorySegment;

/**
 * Receives live entries from {@link SlabKV#forEach(EntryVisitor)}. The segments are read-only views
 * of the store's memory, valid only during the call: copy what you keep.
 */
@FunctionalInterface
public interface EntryVisitor {

    void visit(MemorySegment key, MemorySegment value);
}
