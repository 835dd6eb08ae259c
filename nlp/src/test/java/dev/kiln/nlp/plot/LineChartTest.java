package dev.kiln.nlp.plot;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LineChartTest {

    @Property(tries = 300)
    void ticksAreEvenNiceAndCoverEveryValue(@ForAll @DoubleRange(min = -1e4, max = 1e4) double low,
                                            @ForAll @DoubleRange(min = 0, max = 1e4) double span,
                                            @ForAll @IntRange(min = 1, max = 30) int epochs) {
        double[] values = new double[epochs];
        for (int i = 0; i < epochs; i++) {
            values[i] = low + span * i / Math.max(1, epochs - 1);
        }
        double[] ticks = LineChart.ticks(List.of(new LineChart.Series("s", values, false)));
        assertTrue(ticks.length >= 2 && ticks.length <= 12, "tick count " + ticks.length);
        double min = java.util.Arrays.stream(values).min().orElseThrow();
        double max = java.util.Arrays.stream(values).max().orElseThrow();
        assertTrue(ticks[0] <= min + 1e-9 * Math.abs(min) && ticks[ticks.length - 1] >= max - 1e-9 * Math.abs(max),
                "ticks " + java.util.Arrays.toString(ticks) + " cover [" + min + ", " + max + "]");
        double step = ticks[1] - ticks[0];
        double mantissa = step / Math.pow(10, Math.floor(Math.log10(step) + 1e-9));
        assertTrue(Math.abs(mantissa - 1) < 1e-6 || Math.abs(mantissa - 2) < 1e-6 || Math.abs(mantissa - 5) < 1e-6,
                "step " + step + " is 1, 2 or 5 x 10^k");
        for (int i = 1; i < ticks.length; i++) {
            assertEquals(step, ticks[i] - ticks[i - 1], step * 1e-6);
        }
    }

    @Test
    void aSingleEpochStillDrawsAChartWithAxesAndLegend() throws IOException {
        LineChart chart = new LineChart("Loss per epoch", "epoch", "loss", 9,
                List.of(new LineChart.Series("train loss", new double[] {0.69}, false),
                        new LineChart.Series("validation loss", new double[] {0.7}, true)));
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        chart.writePng(png);
        assertEquals(LineChart.WIDTH, ImageIO.read(new ByteArrayInputStream(png.toByteArray())).getWidth());
        String svg = chart.toSvg();
        assertTrue(svg.contains(">Loss per epoch</text>") && svg.contains(">validation loss</text>") && svg.contains(">epoch</text>"));
        assertTrue(svg.contains("stroke-dasharray"), "the validation series is dashed");
        assertTrue(svg.contains(">9</text>") && !svg.contains(">1</text>"), "the x axis counts from the first epoch shown");
    }

    @Test
    void nonFiniteValuesAndEmptySeriesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new LineChart("t", "x", "y", 1,
                List.of(new LineChart.Series("s", new double[] {1, Double.NaN}, false))));
        assertThrows(IllegalArgumentException.class, () -> new LineChart("t", "x", "y", 1, List.of()));
    }
}
