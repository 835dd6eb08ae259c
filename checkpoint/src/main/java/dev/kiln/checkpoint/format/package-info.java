/**
 * The checkpoint container, version 1 (checkpoint/FORMAT.md): header, UTF-8 metadata, a tensor
 * table and 64-byte-aligned float32 data, little-endian, guarded by CRC32C, validated before any
 * allocation. Depends on the engine (Tensor, Shape) and the checked I/O in dev.kiln.checkpoint.io.
 */
package dev.kiln.checkpoint.format;
