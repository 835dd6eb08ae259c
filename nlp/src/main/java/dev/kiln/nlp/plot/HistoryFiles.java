package dev.kiln.nlp.plot;

import dev.kiln.engine.callback.History;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a fit's History as {@code <prefix>history.csv} (one row per epoch, every logged value
 * with all its digits) and as the charts a Keras tutorial draws: each metric and the loss per
 * epoch, train vs validation, as {@code <prefix><metric>.png/.svg} (accuracy.png, ..., loss.png).
 */
public final class HistoryFiles {
    private HistoryFiles() {}

    /** Writes the CSV and a PNG and an SVG chart per metric into {@code folder}; returns the files written. */
    public static List<Path> write(History history, Path folder, String prefix) throws IOException {
        Files.createDirectories(folder);
        List<Path> written = new ArrayList<>();
        Path csv = folder.resolve(prefix + "history.csv");
        Files.writeString(csv, csv(history), StandardCharsets.UTF_8);
        written.add(csv);
        for (String metric : charted(history)) {
            List<LineChart.Series> series = new ArrayList<>();
            Map<String, List<Double>> values = history.history();
            if (values.containsKey(metric)) {
                series.add(new LineChart.Series("train " + metric, array(values.get(metric)), false));
            }
            if (values.containsKey("val_" + metric)) {
                series.add(new LineChart.Series("validation " + metric, array(values.get("val_" + metric)), true));
            }
            if (series.isEmpty()) {
                continue;
            }
            String title = Character.toUpperCase(metric.charAt(0)) + metric.substring(1).replace('_', ' ') + " per epoch";
            int firstEpoch = history.epochs().isEmpty() ? 1 : history.epochs().getFirst() + 1;
            LineChart chart = new LineChart(title, "epoch", metric, firstEpoch, series);
            Path png = folder.resolve(prefix + metric + ".png");
            try (OutputStream out = Files.newOutputStream(png)) {
                chart.writePng(out);
            }
            Path svg = folder.resolve(prefix + metric + ".svg");
            Files.writeString(svg, chart.toSvg(), StandardCharsets.UTF_8);
            written.add(png);
            written.add(svg);
        }
        return written;
    }

    /** The training metrics (not the val_ copies), the loss last: accuracy, ..., loss. */
    private static List<String> charted(History history) {
        List<String> metrics = new ArrayList<>();
        for (String name : history.history().keySet()) {
            if (!name.startsWith("val_") && !name.equals("loss")) {
                metrics.add(name);
            }
        }
        metrics.add("loss");
        return metrics;
    }

    /** epoch (1-based) then each logged value, in the History's key order. */
    static String csv(History history) {
        Map<String, List<Double>> values = history.history();
        StringBuilder out = new StringBuilder("epoch");
        values.keySet().forEach(key -> out.append(',').append(key));
        out.append('\n');
        List<Integer> epochs = history.epochs();
        for (int row = 0; row < epochs.size(); row++) {
            out.append(epochs.get(row) + 1);
            for (List<Double> series : values.values()) {
                out.append(',').append(row < series.size() ? String.format(Locale.ROOT, "%s", series.get(row)) : "");
            }
            out.append('\n');
        }
        return out.toString();
    }

    private static double[] array(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
