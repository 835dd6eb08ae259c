/**
 * The checked I/O under the checkpoint format: BinaryReader (little-endian reads that name file,
 * section, field and offset when the bytes run out or are hostile) and AtomicFileWriter (temporary
 * file in the same folder, fsync, atomic rename, fsync of the folder; an injectable channel for
 * disk-full tests). A failed write never damages the previous file.
 */
package dev.kiln.checkpoint.io;
