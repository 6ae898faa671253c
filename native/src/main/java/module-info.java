/**
 * OS memory for slabkv through FFM downcalls into libc: an mmap-backed
 * {@link io.slabkv.arena.PageSource} with transparent or explicit huge pages, mlock and
 * pre-faulting. Downcalls are restricted: run with
 * {@code --enable-native-access=io.slabkv.nativemem} (class path: {@code ALL-UNNAMED}).
 */
module io.slabkv.nativemem {
    requires io.slabkv.arena;
    exports io.slabkv.nativemem;
}
