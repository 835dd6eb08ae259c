/**
 * A strict JSON writer and reader, the one JSON implementation of the project: checkpoint
 * metadata is written and read with it, and the tests read their PyTorch fixtures with it.
 * Duplicate keys, deep nesting and malformed text are errors naming the offset. No dependency.
 */
package dev.kiln.engine.json;
