package dev.kiln.engine.autodiff;

import java.util.Locale;

/**
 * How a recurrent layer (LSTM, GRU, SimpleRNN) fed by an Embedding computes its input projection
 * x W + b. TABLE projects the embedding table once and gathers rows (forward), and scatters gate
 * gradients per vocabulary entry (backward); PER_TOKEN multiplies every token's vector; AUTO picks TABLE when the batch
 * has at least {@link #TABLE_FACTOR} times as many tokens as the table has rows, where it does
 * less work. Both give the same results up to float rounding (the sums run in another order).
 */
public enum InputProjection {
    /** TABLE when the batch has at least {@link #TABLE_FACTOR} tokens per table row, else PER_TOKEN. */
    AUTO,
    /** Project the embedding table once per batch and copy each token's row. */
    TABLE,
    /** Multiply every token's vector by the kernel. */
    PER_TOKEN;

    /** AUTO's threshold: tokens per table row above which projecting the table costs less. */
    public static final int TABLE_FACTOR = 2;

    /** The name users write: auto, table or per_token. */
    public String keyword() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The projection a user named by its {@link #keyword()}; an error says which names there are. */
    public static InputProjection named(String keyword) {
        for (InputProjection projection : values()) {
            if (projection.keyword().equals(keyword)) {
                return projection;
            }
        }
        throw new IllegalArgumentException("expects auto, table or per_token, got '" + keyword + "'");
    }

    boolean useTable(EmbeddingRows rows, int tokens) {
        return rows != null && switch (this) {
            case TABLE -> true;
            case PER_TOKEN -> false;
            case AUTO -> tokens >= (long) TABLE_FACTOR * rows.table().shape().dim(0);
        };
    }
}
