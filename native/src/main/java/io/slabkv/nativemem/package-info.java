/**
 * OS memory through FFM downcalls into libc.
 *
 * <h2>Shape</h2>
 * {@link io.slabkv.nativemem.MmapPageSource} is a {@link io.slabkv.arena.PageSource} for the
 * allocator of {@code ffm-arena}: each region is one anonymous {@code mmap}, released with
 * {@code munmap}; a page that goes back to the allocator's pool is given back to the kernel with
 * {@code madvise(MADV_DONTNEED)}. Options ask for transparent or explicit huge pages, {@code mlock}
 * and pre-faulting.
 *
 * <h2>Failures</h2>
 * Every call captures {@code errno} at the call ({@link java.lang.foreign.Linker.Option#captureCallState})
 * and a failure becomes a {@link io.slabkv.nativemem.NativeCallException} naming the call, its
 * arguments, the errno, its symbolic name and libc's meaning. An option the kernel refuses is a
 * fallback, not an error: it is logged once per source and listed by
 * {@link io.slabkv.nativemem.MmapPageSource#fallbacks()}.
 *
 * <h2>Native access</h2>
 * Downcalls are restricted methods: run with {@code --enable-native-access=io.slabkv.nativemem}
 * on the module path, {@code ALL-UNNAMED} on the class path.
 */
package io.slabkv.nativemem;
