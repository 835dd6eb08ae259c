package dev.kiln.nlp.source;

import dev.kiln.engine.model.LabeledBatch;
import dev.kiln.nlp.Texts;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** One labelled text, as the readers of this package produce them. */
public record TextExample(String text, Label label) {
    /** Checks that neither part is null. */
    public TextExample {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(label, "label");
    }

    /**
     * The examples as a model's batch: their texts and targets. A class label becomes its index
     * ({@link LabelMode#INT}, {@link LabelMode#BINARY}) or a one-hot row of {@code classes}
     * values ({@link LabelMode#CATEGORICAL}); a numeric label becomes its value, with
     * {@link LabelMode#INT} only (the default of every reader).
     */
    public static LabeledBatch toBatch(List<TextExample> examples, LabelMode mode, int classes) {
        if (mode == LabelMode.BINARY && classes != 2) {
            throw new IllegalArgumentException("label mode binary needs exactly 2 classes, got " + classes);
        }
        int width = mode.width(classes);
        float[] targets = new float[examples.size() * width];
        List<String> texts = new ArrayList<>(examples.size());
        for (int i = 0; i < examples.size(); i++) {
            TextExample example = examples.get(i);
            texts.add(example.text());
            switch (example.label()) {
                case Label.Category(int index) when index >= classes ->
                        throw new IllegalArgumentException("class index " + index + " with " + classes + " classes");
                case Label.Category(int index) when mode == LabelMode.CATEGORICAL -> targets[i * width + index] = 1f;
                case Label.Category(int index) -> targets[i] = index;
                case Label.Value(double value) when mode == LabelMode.INT -> targets[i] = (float) value;
                case Label.Value value -> throw new IllegalArgumentException("a numeric label (" + value.value()
                        + ") has no class to encode with label mode " + mode.kerasName() + "; numbers need label mode int");
            }
        }
        return new LabeledBatch(new Texts(texts), targets, width);
    }
}
