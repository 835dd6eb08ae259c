package dev.kiln.nlp.plot;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleUnaryOperator;

/**
 * A line chart of values per epoch: one or more named series against epochs first..first+n-1 (a
 * continued fit starts later than 1), with axes, a
 * grid at "nice" tick values (1, 2, 5 x 10^k), axis labels, a title and a legend. The same
 * layout is drawn as a PNG (java.awt + javax.imageio) or as SVG text.
 */
public final class LineChart {
    static final int WIDTH = 720;
    static final int HEIGHT = 450;
    private static final double LEFT = 78;
    private static final double RIGHT = 24;
    private static final double TOP = 48;
    private static final double BOTTOM = 62;
    private static final Color AXIS = new Color(64, 64, 64);
    private static final Color GRID = new Color(225, 225, 225);
    private static final Color[] COLORS = {new Color(31, 119, 180), new Color(255, 127, 14), new Color(44, 160, 44),
            new Color(214, 39, 40)};

    /** A named line; {@code dashed} for the validation series. */
    public record Series(String name, double[] values, boolean dashed) {}

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final int firstEpoch;
    private final List<Series> series;

    /** {@code firstEpoch}: the 1-based epoch of each series' first value. */
    public LineChart(String title, String xLabel, String yLabel, int firstEpoch, List<Series> series) {
        if (series.isEmpty() || series.stream().anyMatch(s -> s.values().length == 0)) {
            throw new IllegalArgumentException("a chart needs at least one series with at least one value");
        }
        for (Series s : series) {
            for (double value : s.values()) {
                if (!Double.isFinite(value)) {
                    throw new IllegalArgumentException("series " + s.name() + " has a non-finite value " + value);
                }
            }
        }
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
        this.firstEpoch = firstEpoch;
        this.series = List.copyOf(series);
    }

    /** Draws the chart as a PNG image to {@code out}. */
    public void writePng(OutputStream out) throws IOException {
        PngCanvas canvas = new PngCanvas(WIDTH, HEIGHT);
        draw(canvas);
        if (!ImageIO.write(canvas.finish(), "png", out)) {
            throw new IOException("no PNG writer in this JDK (javax.imageio)");
        }
    }

    /** The chart as an SVG document. */
    public String toSvg() {
        SvgCanvas canvas = new SvgCanvas(WIDTH, HEIGHT);
        draw(canvas);
        return canvas.finish();
    }

    private void draw(Canvas canvas) {
        int epochs = series.stream().mapToInt(s -> s.values().length).max().orElseThrow();
        double margin = epochs == 1 ? 0.5 : 0.04 * (epochs - 1); // room for the end markers, as matplotlib leaves
        double xMin = 1 - margin;
        double xMax = epochs + margin;
        double[] yTicks = ticks(series);
        double yMin = yTicks[0];
        double yMax = yTicks[yTicks.length - 1];
        double plotWidth = WIDTH - LEFT - RIGHT;
        double plotHeight = HEIGHT - TOP - BOTTOM;
        DoubleUnaryOperator px = x -> LEFT + (x - xMin) / (xMax - xMin) * plotWidth;
        DoubleUnaryOperator py = y -> TOP + (yMax - y) / (yMax - yMin) * plotHeight;

        for (double tick : yTicks) {
            double y = py.applyAsDouble(tick);
            canvas.line(LEFT, y, LEFT + plotWidth, y, GRID, 1f, false);
            canvas.line(LEFT - 5, y, LEFT, y, AXIS, 1f, false);
            canvas.text(LEFT - 8, y + 4, format(tick, yTicks[1] - yTicks[0]), Canvas.Anchor.END, 12, false, false);
        }
        int step = Math.max(1, (int) Math.ceil(epochs / 12.0));
        for (int epoch = 1; epoch <= epochs; epoch += step) {
            double x = px.applyAsDouble(epoch);
            canvas.line(x, TOP + plotHeight, x, TOP + plotHeight + 5, AXIS, 1f, false);
            canvas.text(x, TOP + plotHeight + 20, Integer.toString(epoch + firstEpoch - 1), Canvas.Anchor.MIDDLE, 12, false, false);
        }
        canvas.line(LEFT, TOP, LEFT, TOP + plotHeight, AXIS, 1.2f, false);
        canvas.line(LEFT, TOP + plotHeight, LEFT + plotWidth, TOP + plotHeight, AXIS, 1.2f, false);
        canvas.text(WIDTH / 2.0, 28, title, Canvas.Anchor.MIDDLE, 16, true, false);
        canvas.text(LEFT + plotWidth / 2, HEIGHT - 16, xLabel, Canvas.Anchor.MIDDLE, 13, false, false);
        canvas.text(22, TOP + plotHeight / 2, yLabel, Canvas.Anchor.MIDDLE, 13, false, true);

        for (int s = 0; s < series.size(); s++) {
            Series line = series.get(s);
            Color color = COLORS[s % COLORS.length];
            double[] xs = new double[line.values().length];
            double[] ys = new double[xs.length];
            for (int i = 0; i < xs.length; i++) {
                xs[i] = px.applyAsDouble(i + 1);
                ys[i] = py.applyAsDouble(line.values()[i]);
            }
            if (xs.length > 1) {
                canvas.polyline(xs, ys, color, 2.2f, line.dashed());
            }
            for (int i = 0; i < xs.length; i++) {
                canvas.circle(xs[i], ys[i], 3.5, color);
            }
        }
        legend(canvas, plotWidth, plotHeight, px, py);
    }

    /** The legend goes in the corner of the plot that covers the fewest points of the lines. */
    private void legend(Canvas canvas, double plotWidth, double plotHeight, DoubleUnaryOperator px,
                        DoubleUnaryOperator py) {
        double rowHeight = 20;
        double boxWidth = 12 + 34 + 8 + 7.5 * series.stream().mapToInt(s -> s.name().length()).max().orElse(0);
        double boxHeight = rowHeight * series.size() + 8;
        double[][] corners = {
                {LEFT + plotWidth - boxWidth - 10, TOP + 10}, {LEFT + plotWidth - boxWidth - 10, TOP + plotHeight - boxHeight - 10},
                {LEFT + 10, TOP + 10}, {LEFT + 10, TOP + plotHeight - boxHeight - 10}};
        double x = corners[0][0];
        double y = corners[0][1];
        int fewest = Integer.MAX_VALUE;
        for (double[] corner : corners) {
            int covered = covered(corner[0], corner[1], boxWidth, boxHeight, px, py);
            if (covered < fewest) {
                fewest = covered;
                x = corner[0];
                y = corner[1];
            }
        }
        canvas.rectangle(x, y, boxWidth, boxHeight, new Color(255, 255, 255), new Color(200, 200, 200));
        for (int s = 0; s < series.size(); s++) {
            double rowY = y + 4 + rowHeight * s + rowHeight / 2;
            Color color = COLORS[s % COLORS.length];
            canvas.line(x + 10, rowY, x + 40, rowY, color, 2.2f, series.get(s).dashed());
            canvas.circle(x + 25, rowY, 3.5, color);
            canvas.text(x + 48, rowY + 4, series.get(s).name(), Canvas.Anchor.START, 12, false, false);
        }
    }

    /** How many points sampled along the lines fall inside the box. */
    private int covered(double boxX, double boxY, double width, double height, DoubleUnaryOperator px,
                        DoubleUnaryOperator py) {
        int count = 0;
        for (Series line : series) {
            double[] v = line.values();
            for (int i = 0; i < v.length; i++) {
                for (int k = 0; k < 10 && (k == 0 || i + 1 < v.length); k++) {
                    double t = k / 10.0;
                    double value = i + 1 < v.length ? v[i] + (v[i + 1] - v[i]) * t : v[i];
                    double x = px.applyAsDouble(i + 1 + t);
                    double y = py.applyAsDouble(value);
                    if (x >= boxX - 4 && x <= boxX + width + 4 && y >= boxY - 4 && y <= boxY + height + 4) {
                        count++;
                    }
                }
            }
        }
        return count;
    }

    /** About five evenly spaced "nice" ticks covering every value, with a little room. */
    static double[] ticks(List<Series> series) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (double value : s.values()) {
                min = Math.min(min, value);
                max = Math.max(max, value);
            }
        }
        double span = max - min;
        if (span < 1e-12) {
            span = Math.max(Math.abs(max) * 0.1, 0.01);
            min -= span / 2;
            max += span / 2;
        }
        double raw = span / 5;
        double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
        double fraction = raw / magnitude;
        double step = (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * magnitude;
        double low = Math.floor(min / step) * step;
        double high = Math.ceil(max / step) * step;
        List<Double> ticks = new ArrayList<>();
        for (double tick = low; tick <= high + step / 2; tick += step) {
            ticks.add(Math.abs(tick) < step / 1e6 ? 0 : tick);
        }
        return ticks.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static String format(double value, double step) {
        int decimals = Math.max(0, (int) Math.ceil(-Math.log10(step) - 1e-9));
        return String.format(Locale.ROOT, "%." + decimals + "f", value);
    }
}
