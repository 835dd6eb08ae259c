package dev.kiln.engine.model;

import dev.kiln.engine.autodiff.Variable;
import dev.kiln.engine.layer.Layer;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * model.summary() in tf.keras 2.7-2.12's table form: 65 columns, fields wrapped inside their
 * columns (26, 24 and 8 characters), a blank line after each row, then the parameter totals
 * with thousands separators.
 */
final class Summary {
    private static final int WIDTH = 65;
    private static final int[] FIELD = {26, 24, 8};
    private static final int[] COLUMN = {28, 26, 10};

    private Summary() {}

    static String of(String modelName, List<Layer> layers) {
        StringBuilder out = new StringBuilder();
        out.append("Model: \"").append(modelName).append("\"\n");
        out.append("_".repeat(WIDTH)).append('\n');
        row(out, "Layer (type)", "Output Shape", "Param #");
        out.append("=".repeat(WIDTH)).append('\n');
        long total = 0;
        for (Layer layer : layers) {
            long count = 0;
            for (Variable parameter : layer.parameters()) {
                count += parameter.value().size();
            }
            total += count;
            row(out, layer.name() + " (" + layer.config().type() + ")", layer.outputShape(), Long.toString(count));
            out.append(" ".repeat(WIDTH)).append('\n');
        }
        out.append("=".repeat(WIDTH)).append('\n');
        out.append(String.format(Locale.ROOT, "Total params: %,d%n", total));
        out.append(String.format(Locale.ROOT, "Trainable params: %,d%n", total));
        out.append("Non-trainable params: 0\n");
        out.append("_".repeat(WIDTH)).append('\n');
        return out.toString().replace(System.lineSeparator(), "\n");
    }

    private static void row(StringBuilder out, String... fields) {
        List<List<String>> pieces = new ArrayList<>();
        int lines = 1;
        for (int f = 0; f < fields.length; f++) {
            List<String> wrapped = new ArrayList<>();
            for (int at = 0; at < fields[f].length(); at += FIELD[f]) {
                wrapped.add(fields[f].substring(at, Math.min(fields[f].length(), at + FIELD[f])));
            }
            pieces.add(wrapped);
            lines = Math.max(lines, wrapped.size());
        }
        for (int line = 0; line < lines; line++) {
            StringBuilder text = new StringBuilder(" ");
            for (int f = 0; f < fields.length; f++) {
                String piece = line < pieces.get(f).size() ? pieces.get(f).get(line) : "";
                text.append(piece).append(" ".repeat(COLUMN[f] - piece.length()));
            }
            out.append(text, 0, WIDTH).append('\n');
        }
    }
}
