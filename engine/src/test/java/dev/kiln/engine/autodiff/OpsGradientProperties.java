package dev.kiln.engine.autodiff;

import dev.kiln.engine.layer.Activation;
import dev.kiln.engine.loss.BinaryCrossentropy;
import dev.kiln.engine.loss.CategoricalCrossentropy;
import dev.kiln.engine.loss.Huber;
import dev.kiln.engine.loss.Loss;
import dev.kiln.engine.loss.MeanError;
import dev.kiln.engine.loss.SparseCategoricalCrossentropy;
import dev.kiln.engine.tensor.Tensor;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.util.List;
import java.util.Random;

import static dev.kiln.engine.autodiff.GradientCheck.assertGradients;
import static dev.kiln.engine.autodiff.GradientCheck.awayFromZero;
import static dev.kiln.engine.autodiff.GradientCheck.random;

/** Every differentiable operation against central finite differences, over random shapes. */
class OpsGradientProperties {

    @Property(tries = 25)
    void matmul(@ForAll @IntRange(min = 1, max = 9) int m, @ForAll @IntRange(min = 1, max = 9) int k,
                @ForAll @IntRange(min = 1, max = 9) int n, @ForAll long seed) {
        Random r = new Random(seed);
        assertGradients("matmul", (ops, v) -> ops.matmul(v.get(0), v.get(1)), random(r, -1, 1, m, k), random(r, -1, 1, k, n));
    }

    @Property(tries = 20)
    void addSameShapeAndBiasRow(@ForAll @IntRange(min = 1, max = 6) int rows, @ForAll @IntRange(min = 1, max = 20) int cols,
                                @ForAll long seed) {
        Random r = new Random(seed);
        assertGradients("add", (ops, v) -> ops.add(v.get(0), v.get(1)), random(r, -1, 1, rows, cols), random(r, -1, 1, rows, cols));
        assertGradients("add bias", (ops, v) -> ops.add(v.get(0), v.get(1)), random(r, -1, 1, rows, cols), random(r, -1, 1, cols));
    }

    @Property(tries = 20)
    void subtractAndMultiply(@ForAll @IntRange(min = 1, max = 40) int n, @ForAll long seed) {
        Random r = new Random(seed);
        assertGradients("subtract", (ops, v) -> ops.subtract(v.get(0), v.get(1)), random(r, -2, 2, n), random(r, -2, 2, n));
        assertGradients("multiply", (ops, v) -> ops.multiply(v.get(0), v.get(1)), random(r, -2, 2, n), random(r, -2, 2, n));
    }

    @Property(tries = 20)
    void activations(@ForAll @IntRange(min = 1, max = 40) int n, @ForAll long seed) {
        Random r = new Random(seed);
        assertGradients("sigmoid", (ops, v) -> ops.sigmoid(v.get(0)), random(r, -4, 4, n));
        assertGradients("tanh", (ops, v) -> ops.tanh(v.get(0)), random(r, -3, 3, n));
        assertGradients("relu", (ops, v) -> ops.relu(v.get(0)), awayFromZero(r, n));
    }

    @Property(tries = 20)
    void concatAndSlice(@ForAll @IntRange(min = 1, max = 5) int rows, @ForAll @IntRange(min = 1, max = 7) int a,
                        @ForAll @IntRange(min = 1, max = 7) int b, @ForAll long seed) {
        Random r = new Random(seed);
        assertGradients("concat", (ops, v) -> ops.concat(List.of(v.get(0), v.get(1))),
                random(r, -1, 1, rows, a), random(r, -1, 1, rows, b));
        int from = r.nextInt(a);
        int to = from + 1 + r.nextInt(a - from);
        assertGradients("slice", (ops, v) -> ops.slice(v.get(0), from, to), random(r, -1, 1, rows, a));
    }

    @Property(tries = 20)
    void gatherScatterAddsRepeatedRows(@ForAll @IntRange(min = 1, max = 6) int vocabulary,
                                       @ForAll @IntRange(min = 1, max = 5) int features, @ForAll long seed) {
        Random r = new Random(seed);
        int[] ids = r.ints(7, 0, vocabulary).toArray(); // 7 ids from at most 6 rows: repeats are certain
        assertGradients("gather", (ops, v) -> ops.gather(v.get(0), ids), random(r, -1, 1, vocabulary, features));
    }

    /** Every Dense activation (kinks at 0 and +-3 avoided), softmax and log-softmax over rows. */
    @Property(tries = 10)
    void everyActivation(@ForAll @IntRange(min = 1, max = 4) int rows, @ForAll @IntRange(min = 1, max = 6) int width,
                         @ForAll long seed) {
        Random r = new Random(seed);
        for (Activation activation : Activation.values()) {
            assertGradients(activation.kerasName(), (ops, v) -> activation.apply(ops, v.get(0)), awayFromZero(r, rows, width));
        }
    }

    @Property(tries = 20)
    void sumAndMean(@ForAll @IntRange(min = 1, max = 16) int batch, @ForAll long seed) {
        Random r = new Random(seed);
        assertGradients("sum", (ops, v) -> ops.sum(v.get(0)), random(r, -1, 1, batch, 3));
        assertGradients("mean", (ops, v) -> ops.mean(v.get(0)), random(r, -1, 1, batch, 3));
    }

    /**
     * Every engine loss through the batch reduction, with random sample weights and a denominator
     * larger than the shard (as a shard of a batch), away from kinks and clipping bounds.
     */
    @Property(tries = 15)
    void everyLoss(@ForAll @IntRange(min = 1, max = 6) int batch, @ForAll @IntRange(min = 2, max = 5) int width,
                   @ForAll long seed) {
        Random r = new Random(seed);
        float[] weights = random(r, 0.2f, 2f, batch).data();
        int denominator = batch + r.nextInt(3);
        float[] labels = new float[batch * width];
        float[] oneHot = new float[batch * width];
        float[] classes = new float[batch];
        for (int i = 0; i < batch; i++) {
            classes[i] = r.nextInt(width);
            oneHot[i * width + (int) classes[i]] = 1f;
            for (int j = 0; j < width; j++) {
                labels[i * width + j] = r.nextBoolean() ? 1f : 0f;
            }
        }
        Tensor logits = random(r, -6, 6, batch, width);
        Tensor probabilities = random(r, 0.1f, 0.9f, batch, width);
        Tensor scores = random(r, 0.2f, 1f, batch, width);
        check("BCE logits", new BinaryCrossentropy(true, 0.1), logits, labels, width, weights, denominator);
        check("BCE probabilities", new BinaryCrossentropy(false, 0), probabilities, labels, width, weights, denominator);
        check("CCE logits", new CategoricalCrossentropy(true, 0.2, "cce"), logits, oneHot, width, weights, denominator);
        check("CCE probabilities", new CategoricalCrossentropy(false), scores, oneHot, width, weights, denominator);
        check("SCCE logits", new SparseCategoricalCrossentropy(true), logits, classes, 1, weights, denominator);
        check("SCCE probabilities", new SparseCategoricalCrossentropy(false), scores, classes, 1, weights, denominator);
        Tensor outputs = random(r, -2, 2, batch, width);
        float[] targets = awayFrom(r, outputs.data(), 0.1f);
        check("MSE", MeanError.squared(), outputs, targets, width, weights, denominator);
        check("MAE", MeanError.absolute(), outputs, targets, width, weights, denominator);
        check("Huber", new Huber(0.05, "huber"), outputs, targets, width, weights, denominator);
    }

    private static void check(String name, Loss loss, Tensor outputs, float[] targets, int targetWidth, float[] weights,
                              int denominator) {
        assertGradients(name, (ops, v) -> ops.exampleLoss(v.get(0), loss, targets, targetWidth, weights, denominator), outputs);
    }

    /** Targets at least {@code gap} + 0.05 from each output, so no finite-difference step crosses a kink at 0 or at 0.05. */
    private static float[] awayFrom(Random r, float[] outputs, float gap) {
        float[] targets = new float[outputs.length];
        for (int i = 0; i < outputs.length; i++) {
            float offset = gap + 0.05f + r.nextFloat();
            targets[i] = outputs[i] + (r.nextBoolean() ? offset : -offset);
        }
        return targets;
    }

    /** A composite (a small dense layer with a value used twice) checks that gradients accumulate. */
    @Property(tries = 15)
    void composedNetworkWithReuse(@ForAll @IntRange(min = 1, max = 5) int batch, @ForAll long seed) {
        Random r = new Random(seed);
        assertGradients("dense + reuse", (ops, v) -> {
            Variable hidden = ops.tanh(ops.add(ops.matmul(v.get(0), v.get(1)), v.get(2)));
            return ops.multiply(hidden, ops.sigmoid(hidden)); // hidden is used twice
        }, random(r, -1, 1, batch, 4), random(r, -1, 1, 4, 3), random(r, -1, 1, 3));
    }
}
