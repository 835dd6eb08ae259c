package dev.kiln.engine.autodiff;

/**
 * Where a sequence's input vectors came from when an Embedding produced them: row i of the values
 * is row {@code ids[i]} of {@code table}. A recurrent layer reading them can then project the
 * table once (P = E W + b, one row per vocabulary entry) instead of every token, an exact rewrite.
 */
public record EmbeddingRows(Variable table, int[] ids) {}
