package dev.kiln.nlp;

import dev.kiln.engine.loss.OutputMeaning;
import dev.kiln.engine.model.Sequential;
import dev.kiln.engine.tensor.Tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Predicts on raw texts in one call with a compiled text model (one that starts with
 * TextVectorization), and turns the outputs into answers as the model's loss reads them:
 * logits through a sigmoid or a softmax, probabilities as they are, values for a regressor;
 * classes named by the model's class names (or "0", "1", ... when it has none).
 */
public final class TextPredictor {
    private TextPredictor() {}

    /** One answer per text, in order, from {@code model} (compiled: its loss says how to read the outputs). */
    public static List<TextPrediction> predict(Sequential model, List<String> texts) {
        Tensor outputs = model.predict(new Texts(texts));
        int width = outputs.shape().dim(1);
        OutputMeaning meaning = model.loss().outputMeaning();
        List<String> names = classNames(model.classNames(), width);
        List<TextPrediction> predictions = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            double[] row = new double[width];
            List<Double> raw = new ArrayList<>(width);
            for (int j = 0; j < width; j++) {
                row[j] = outputs.data()[i * width + j];
                raw.add(row[j]);
            }
            predictions.add(answer(texts.get(i), row, raw, meaning, names));
        }
        return predictions;
    }

    private static TextPrediction answer(String text, double[] row, List<Double> raw, OutputMeaning meaning, List<String> names) {
        Map<String, Double> probabilities = new LinkedHashMap<>();
        return switch (meaning) {
            case VALUES -> new TextPrediction(text, Optional.empty(), Map.of(), raw);
            case LOGITS, PROBABILITIES -> {
                if (row.length > 1) { // multi-label: each output its own yes/no
                    for (int j = 0; j < row.length; j++) {
                        probabilities.put(names.get(j), meaning == OutputMeaning.LOGITS ? sigmoid(row[j]) : row[j]);
                    }
                    yield new TextPrediction(text, Optional.empty(), probabilities, raw);
                }
                double positive = meaning == OutputMeaning.LOGITS ? sigmoid(row[0]) : row[0];
                probabilities.put(names.get(0), 1 - positive);
                probabilities.put(names.get(1), positive);
                yield new TextPrediction(text, Optional.of(names.get(positive > 0.5 ? 1 : 0)), probabilities, raw);
            }
            case CLASS_LOGITS, CLASS_PROBABILITIES -> {
                double[] p = meaning == OutputMeaning.CLASS_LOGITS ? softmax(row) : normalized(row);
                int best = 0;
                for (int j = 0; j < p.length; j++) {
                    probabilities.put(names.get(j), p[j]);
                    best = p[j] > p[best] ? j : best;
                }
                yield new TextPrediction(text, Optional.of(names.get(best)), probabilities, raw);
            }
        };
    }

    /** The model's class names, or "0", "1", ... (two for a single yes/no output). */
    private static List<String> classNames(List<String> saved, int width) {
        if (!saved.isEmpty()) {
            return saved;
        }
        List<String> numbered = new ArrayList<>();
        for (int j = 0; j < Math.max(width, 2); j++) {
            numbered.add(Integer.toString(j));
        }
        return numbered;
    }

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    private static double[] softmax(double[] x) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : x) {
            max = Math.max(max, v);
        }
        double[] p = new double[x.length];
        double sum = 0;
        for (int j = 0; j < x.length; j++) {
            p[j] = Math.exp(x[j] - max);
            sum += p[j];
        }
        for (int j = 0; j < x.length; j++) {
            p[j] /= sum;
        }
        return p;
    }

    private static double[] normalized(double[] x) {
        double sum = 0;
        for (double v : x) {
            sum += v;
        }
        double[] p = new double[x.length];
        for (int j = 0; j < x.length; j++) {
            p[j] = x[j] / sum;
        }
        return p;
    }
}
