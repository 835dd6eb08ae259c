package dev.kiln.nlp.demo;

import dev.kiln.checkpoint.model.CheckpointRecord;
import dev.kiln.checkpoint.model.ModelFile;
import dev.kiln.engine.callback.Callback;
import dev.kiln.engine.callback.FitParameters;
import dev.kiln.engine.callback.History;
import dev.kiln.engine.callback.Logs;
import dev.kiln.engine.callback.TrainingContext;
import dev.kiln.engine.kernel.ComputePool;
import dev.kiln.engine.loss.BinaryCrossentropy;
import dev.kiln.engine.metric.BinaryAccuracy;
import dev.kiln.engine.model.Engine;
import dev.kiln.engine.model.Sequential;
import dev.kiln.engine.optim.Adam;
import dev.kiln.engine.tensor.Tensor;
import dev.kiln.engine.testing.SharedFiles;
import dev.kiln.nlp.Texts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The demo's flow on 1,500 real reviews per split: checkpoints, reloading, continued training, history files. */
class DemoFlowIT {
    private static final Path ARCHIVE = SharedFiles.path("datasets/imdb/aclImdb_v1_labeled.tar.gz");

    /** Records, at every epoch end, the model's logits on the samples and a copy of the Adam state. */
    private static final class Recorder implements Callback {
        final Map<Integer, float[]> logits = new HashMap<>();
        final Map<Integer, Long> steps = new HashMap<>();
        final Map<Integer, Map<String, Tensor>> moments = new HashMap<>();
        private Sequential model;

        @Override
        public void setContext(TrainingContext context, FitParameters parameters) {
            model = (Sequential) context;
        }

        @Override
        public void onEpochEnd(int epoch, Logs logs) {
            logits.put(epoch + 1, model.predict(new Texts(DemoCommand.SAMPLES)).data());
            Adam adam = (Adam) model.optimizer().orElseThrow();
            steps.put(epoch + 1, adam.iterations());
            moments.put(epoch + 1, adam.saveState().detached().tensors());
        }
    }

    @Test
    void checkpointsReloadingContinuedTrainingAndHistoryFilesBehaveAsTheSeedWorkflowNeeds(@TempDir Path out) throws Exception {
        TrainSettings settings = TrainSettings.from(CommandLine.parse("test", List.of("--data", ARCHIVE.toString(), "--out",
                out.toString(), "--limit", "1500", "--epochs", "3", "--learning-rate", "0.003", "--threads", "2",
                "--validation-steps", "8"), TrainSettings.OPTIONS, TrainSettings.SWITCHES));
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream console = new PrintStream(printed, true, StandardCharsets.UTF_8);
        try (ComputePool pool = ComputePool.withThreads(2)) {
            Engine engine = Engine.on(pool);
            ImdbData data = ImdbData.load(settings, console);
            Sequential model = SeedModel.build(DemoCommand.adapt(settings, data, pool, console), settings.seed());
            model.compile(new Adam(settings.learningRate()), BinaryCrossentropy.fromLogits(), List.of(BinaryAccuracy.onLogits()), engine);
            Recorder recorder = new Recorder();
            History history = Fitting.fit(model, data, settings, settings.checkpoint(), 0, settings.epochs(), List.of(recorder), console);
            String text = printed.toString(StandardCharsets.UTF_8);

            // The file is written exactly at the epochs whose val_loss beat every earlier one.
            List<Double> valLoss = history.history().get("val_loss");
            double best = Double.POSITIVE_INFINITY;
            int bestEpoch = 0;
            for (int epoch = 1; epoch <= valLoss.size(); epoch++) {
                boolean improved = valLoss.get(epoch - 1) < best;
                assertEquals(improved, text.contains("Epoch " + epoch + ": val_loss improved"), text);
                assertEquals(!improved, text.contains("Epoch " + epoch + ": val_loss did not improve"), text);
                if (improved) {
                    best = valLoss.get(epoch - 1);
                    bestEpoch = epoch;
                }
            }
            CheckpointRecord record = ModelFile.readCheckpointRecord(settings.checkpoint()).orElseThrow();
            assertEquals(bestEpoch, record.epoch());
            assertEquals(best, record.value(), 0.0);

            // The loaded model is the saved one: same logits, same optimizer step and moments.
            ModelFile.Loaded loaded = ModelFile.load(settings.checkpoint(), SeedModel.parts());
            loaded.compile(engine);
            assertArrayEquals(recorder.logits.get(bestEpoch), loaded.model().predict(new Texts(DemoCommand.SAMPLES)).data());
            assertEquals(recorder.steps.get(bestEpoch), loaded.optimizer().orElseThrow().iterations());
            Adam loadedAdam = (Adam) loaded.optimizer().orElseThrow();
            Map<String, Tensor> savedMoments = recorder.moments.get(bestEpoch);
            assertEquals(savedMoments.keySet(), loadedAdam.saveState().tensors().keySet());
            savedMoments.forEach((name, tensor) -> assertArrayEquals(tensor.data(), loadedAdam.saveState().tensors().get(name).data(), name));

            // Continued training starts from that state and goes on counting steps.
            long stepsBefore = loaded.optimizer().orElseThrow().iterations();
            Path continued = out.resolve("best_model_continued");
            History more = Fitting.fit(loaded.model(), data, settings, continued, bestEpoch, bestEpoch + 1, List.of(), console);
            assertEquals(List.of(bestEpoch), more.epochs());
            assertEquals(stepsBefore + data.training(64, 10_000, 1).cardinality(), loaded.optimizer().orElseThrow().iterations());
            assertTrue(Files.exists(continued), "the first epoch of a new ModelCheckpoint always improves on inf");
            Fitting.writeHistory(more, out, "continued_", console);
            String continuedChart = Files.readString(out.resolve("continued_loss.svg"));
            assertTrue(continuedChart.contains(">" + (bestEpoch + 1) + "</text>"), "the continued chart is labelled with its real epoch");

            // History files: CSV rows per epoch, PNGs that decode to drawn charts, SVGs that parse.
            Fitting.writeHistory(history, out, "", console);
            List<String> csv = Files.readAllLines(out.resolve("history.csv"));
            assertEquals("epoch,loss,accuracy,val_loss,val_accuracy", csv.getFirst());
            assertEquals(history.epochs().size() + 1, csv.size());
            for (String row : csv.subList(1, csv.size())) {
                String[] cells = row.split(",");
                assertEquals(5, cells.length, row);
                for (String cell : cells) {
                    Double.parseDouble(cell);
                }
            }
            for (String chart : List.of("accuracy", "loss")) {
                BufferedImage image = ImageIO.read(out.resolve(chart + ".png").toFile());
                assertEquals(720, image.getWidth());
                assertEquals(450, image.getHeight());
                assertTrue(countColor(image, 0x1f77b4) > 200 && countColor(image, 0xff7f0e) > 100,
                        chart + ": both series are drawn in their colors");
                Document svg = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(out.resolve(chart + ".svg").toFile());
                assertEquals("svg", svg.getDocumentElement().getTagName());
                assertEquals(2, svg.getElementsByTagName("polyline").getLength(), chart + ": train and validation lines");
                assertEquals(2 * history.epochs().size() + 2, svg.getElementsByTagName("circle").getLength(),
                        chart + ": a marker per epoch and series, and one per legend entry");
            }
        }
    }

    @Test
    void theQuickDemoCommandRunsTheWholeWorkflow(@TempDir Path out) {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int status = Kiln.run(List.of("demo", "--quick", "--limit", "1000", "--epochs", "1", "--data", ARCHIVE.toString(), "--out",
                out.toString()), new PrintStream(printed, true, StandardCharsets.UTF_8), new PrintStream(errors, true, StandardCharsets.UTF_8));
        String text = printed.toString(StandardCharsets.UTF_8);
        assertEquals(0, status, errors.toString(StandardCharsets.UTF_8) + text);
        for (String expected : List.of("vocabulary[:20] = ['' '[UNK]' 'the'", "Total params: 138,369", "Epoch 1: val_loss improved from inf",
                "Continuing training from the best model (epoch 1", "Its best checkpoint on the test split (1,000 reviews",
                "Demo finished")) {
            assertTrue(text.contains(expected), "missing '" + expected + "' in:\n" + text);
        }
        for (String file : List.of("best_model", "best_model_continued", "history.csv", "accuracy.png", "loss.svg",
                "continued_history.csv")) {
            assertTrue(Files.exists(out.resolve(file)), file);
        }
        assertFalse(text.contains("Exception"), text);
    }

    private static int countColor(BufferedImage image, int rgb) {
        int count = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if ((image.getRGB(x, y) & 0xFFFFFF) == rgb) {
                    count++;
                }
            }
        }
        return count;
    }
}
