package dev.kiln.engine.model;

/**
 * The share of examples classified right, as a running mean over the examples seen since the
 * last reset. A logit counts as positive when it is > 0, i.e. probability > 0.5. (Keras's
 * metrics=['accuracy'] thresholds the raw logit at 0.5, i.e. probability 0.6225, which is almost
 * certainly not what a user of from_logits=True means; Kiln documents and tests this choice.)
 */
public final class BinaryAccuracy {
    private long correct;
    private long seen;

    public String name() {
        return "accuracy";
    }

    public void update(float[] logits, float[] labels) {
        if (logits.length != labels.length) {
            throw new IllegalArgumentException("accuracy: " + logits.length + " predictions for " + labels.length + " labels");
        }
        for (int i = 0; i < logits.length; i++) {
            boolean predicted = logits[i] > 0f;
            if (predicted == (labels[i] > 0.5f)) {
                correct++;
            }
        }
        seen += logits.length;
    }

    public double result() {
        return seen == 0 ? 0 : (double) correct / seen;
    }

    public long correct() {
        return correct;
    }

    public long seen() {
        return seen;
    }

    /** Continues from saved counts (a resumed epoch). */
    public void restore(long savedCorrect, long savedSeen) {
        if (savedCorrect < 0 || savedCorrect > savedSeen) {
            throw new IllegalArgumentException("accuracy counts: " + savedCorrect + " right of " + savedSeen);
        }
        correct = savedCorrect;
        seen = savedSeen;
    }

    public void reset() {
        correct = 0;
        seen = 0;
    }
}
