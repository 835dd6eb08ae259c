/**
 * The checked I/O under the checkpoint format: BinaryReader (little-endian reads that name file,
 * section, field and offset when the bytes run out or are hostile) and AtomicFileWriter (temporary
 * file in the same folder, fsync, atomic rename, fsync of the folder; an injectable channel for
 * disk-full tests). A failed write never damages the previous file. Every file is untrusted:
 * LoadLimits holds the limits every loader checks before it allocates and the heap bound they
 * give; MetadataSection reads metadata JSON through typed getters whose errors name the file, the
 * field's path, the value found and what is allowed.
 */
package dev.kiln.checkpoint.io;
