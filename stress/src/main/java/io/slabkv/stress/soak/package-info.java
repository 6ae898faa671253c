/**
 * The soak: mixed operations from several threads under memory pressure, every value read checked
 * against the key, writer, sequence number, length and checksum written into it
 * ({@link io.slabkv.stress.value.CheckedValue}); the memory limit sampled; every reserved byte
 * accounted for after close; resident memory compared across open/fill/close cycles. See
 * {@link io.slabkv.stress.soak.SoakRunner}; the long mode is {@link io.slabkv.stress.soak.SoakMain}.
 */
package io.slabkv.stress.soak;
