/**
 * A strict JSON writer and reader for checkpoint metadata (no dependency; duplicate keys, deep
 * nesting and malformed text are errors naming the offset).
 */
package dev.kiln.checkpoint.json;
