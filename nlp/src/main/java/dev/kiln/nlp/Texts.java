package dev.kiln.nlp;

import dev.kiln.engine.layer.LayerValue;

import java.util.List;

/** A batch of raw texts: the input of a model that starts with {@link TextVectorization}. */
public record Texts(List<String> texts) implements LayerValue {
    /** The kind of value, for {@link dev.kiln.engine.layer.ValueSpec}. */
    public static final String KIND = "raw texts";

    /** Copies the list. */
    public Texts {
        texts = List.copyOf(texts);
    }

    /** A batch of these texts. */
    public static Texts of(String... texts) {
        return new Texts(List.of(texts));
    }

    @Override
    public int batchSize() {
        return texts.size();
    }

    @Override
    public Texts slice(int from, int to) {
        return new Texts(texts.subList(from, to));
    }
}
