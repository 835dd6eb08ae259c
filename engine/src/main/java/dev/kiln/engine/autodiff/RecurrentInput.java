package dev.kiln.engine.autodiff;

import java.util.function.Supplier;

/**
 * What a recurrent layer (LSTM, GRU, SimpleRNN) reads, once the path is chosen: the token vectors
 * [tokens, features], or in table mode the embedding table and each token's id (then the vectors
 * are never gathered).
 */
record RecurrentInput(Variable values, EmbeddingRows table, int tokens, int features) {

    /**
     * Table mode when {@code rows} are given and {@code projection} chooses it; the values are
     * asked for otherwise. {@code operation} names the caller in errors.
     */
    static RecurrentInput of(String operation, InputProjection projection, Supplier<Variable> values, EmbeddingRows rows) {
        if (rows != null) {
            Variable table = rows.table();
            OpContext.requireRank(operation + " embedding table", table, 2);
            if (projection.useTable(rows, rows.ids().length)) {
                int vocabulary = table.shape().dim(0);
                for (int id : rows.ids()) { // the gather that would have checked them does not run
                    if (id < 0 || id >= vocabulary) {
                        throw new IllegalArgumentException(operation + ": embedding id " + id + " is outside the table's "
                                + vocabulary + " rows");
                    }
                }
                return new RecurrentInput(null, rows, rows.ids().length, table.shape().dim(1));
            }
        }
        Variable vectors = values.get();
        OpContext.requireRank(operation, vectors, 2);
        if (rows != null && (rows.ids().length != vectors.shape().dim(0)
                || rows.table().shape().dim(1) != vectors.shape().dim(1))) {
            throw new IllegalArgumentException(operation + ": " + rows.ids().length + " embedding ids and a table of shape "
                    + rows.table().shape() + " do not describe values of shape " + vectors.shape());
        }
        return new RecurrentInput(vectors, null, vectors.shape().dim(0), vectors.shape().dim(1));
    }

    /** The variable the input gradient is for: the vectors, or in table mode the table. */
    Variable differentiated() {
        return table == null ? values : table.table();
    }

    /** Checks that every sequence (offsets[s], lengths[s]) lies inside the input's tokens. */
    void requireSequences(String operation, int[] lengths, int[] offsets) {
        SequenceOps.requireSequences(operation, tokens, "values", lengths, offsets);
    }
}
