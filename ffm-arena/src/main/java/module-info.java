/**
 * Where slabkv's memory comes from and how it is carved: page sources, slab classes, the bump
 * allocator, page recycling and epoch-based safe reuse.
 */
module io.slabkv.arena {
    exports io.slabkv.arena;
}
