package dev.kiln.engine.callback;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ProgressBarTest {

    @Test
    void printsKerasTwoFinalLineOncePerEpochWhenNotATerminal() {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        AtomicLong clock = new AtomicLong();
        ProgressBar bar = new ProgressBar(new PrintStream(text, true, StandardCharsets.UTF_8), false, clock::get);
        bar.setContext(null, new FitParameters(1, 10, 391));
        bar.onEpochBegin(0, Logs.empty());
        Map<String, Double> values = new LinkedHashMap<>();
        values.put("loss", 0.61624);
        values.put("accuracy", 0.59851);
        for (int batch = 0; batch < 391; batch++) {
            // first step 4.6 s (it carries warm-up), then 229 ms each: Keras excludes the first from ms/step
            clock.addAndGet(batch == 0 ? 4_600_000_000L : 229_000_000L);
            bar.onTrainBatchEnd(batch, Logs.of(values));
        }
        values.put("val_loss", 0.80970);
        values.put("val_accuracy", 0.56610);
        bar.onEpochEnd(0, Logs.of(values));
        assertEquals("Epoch 1/10\n391/391 [==============================] - 94s 229ms/step - loss: 0.6162"
                + " - accuracy: 0.5985 - val_loss: 0.8097 - val_accuracy: 0.5661\n",
                text.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n"));
    }

    @Test
    void inProgressLineAndNumberFormats() {
        AtomicLong clock = new AtomicLong();
        ProgressBar bar = new ProgressBar(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), true, clock::get);
        bar.setContext(null, new FitParameters(1, 1, 391));
        bar.onEpochBegin(0, Logs.empty());
        for (int batch = 0; batch < 57; batch++) {
            clock.addAndGet(228_000_000L);
            bar.onTrainBatchEnd(batch, Logs.of(Map.of("loss", 0.69312)));
        }
        assertEquals(" 57/391 [===>..........................] - ETA: 1:16 - loss: 0.6931",
                bar.inProgressLine(clock.get(), Logs.of(Map.of("loss", 0.69312))));
        assertEquals(" - loss: 0.0000e+00 - x: 5.0000e-04", ProgressBar.values(Logs.of(new LinkedHashMap<>(Map.of("loss", 0.0)))
                .with(Map.of("x", 0.0005))));
        assertEquals("1:01:01", ProgressBar.formatEta(3661));
        assertEquals("2s/step", ProgressBar.formatPerStep(2.2));
        assertEquals("12us/step", ProgressBar.formatPerStep(0.000012));
    }
}
