package dev.kiln.nlp.demo;

import dev.kiln.checkpoint.model.CheckpointRecord;
import dev.kiln.checkpoint.model.ModelFile;
import dev.kiln.engine.callback.History;
import dev.kiln.engine.kernel.ComputePool;
import dev.kiln.engine.model.Engine;
import dev.kiln.engine.model.Sequential;
import dev.kiln.nlp.TextVectorization;
import dev.kiln.nlp.imdb.Review;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code kiln demo}: the seed workflow from start to end, printed as a Keras user would see it:
 * load IMDB, adapt TextVectorization and show the vocabulary and three encoded reviews, build and
 * summarize the model, predict with it untrained, fit with EarlyStopping and ModelCheckpoint,
 * write the history charts, load the best model and classify sample reviews, continue training
 * it with a new checkpoint path, and finish with the accuracy on the whole test split.
 */
final class DemoCommand {
    static final List<String> SAMPLES = List.of(
            "The movie was cool. The animation and the graphics were out of this world. I would recommend this movie.",
            "The movie was not good. The animation and the graphics were terrible. I would not recommend this movie.",
            "A slow, muddled plot, wooden acting and a twist you can see coming an hour away. What a waste of time.",
            "One of the finest performances I have seen in years; a moving, funny and beautifully shot film.");

    static final String HELP = """
            usage: kiln demo [options]
              The whole IMDB workflow: load, adapt TextVectorization(max_tokens=1000), build
              Embedding(1000, 64, mask_zero) -> Bidirectional(LSTM(64)) -> Dense(64, relu) -> Dense(1),
              fit 10 epochs (batch 64, Adam(1e-4), shuffle 10000, validation_steps 30) with
              EarlyStopping(val_loss, patience 5) and ModelCheckpoint(OUT/best_model, save_best_only),
              write OUT/accuracy.png|svg, OUT/loss.png|svg and OUT/history.csv, load the best model and
              classify sample reviews, continue training it (checkpoint OUT/best_model_continued), and
              report the accuracy on all 25,000 test reviews. With --model stacked the same workflow runs the
              tutorial's second model (two stacked bidirectional LSTMs and Dropout), with --model cnn the CNN
              text model, with --model FILE.json the Keras config in FILE.
            """ + TrainSettings.HELP + """
              --continue-epochs N  epochs of continued training from the best model (default 2; --quick: 1)
            """;

    private DemoCommand() {}

    static void run(List<String> args, PrintStream out) throws IOException, CommandLine.UsageException {
        Set<String> options = new HashSet<>(TrainSettings.OPTIONS);
        options.add("continue-epochs");
        CommandLine line = CommandLine.parse("demo", args, options, TrainSettings.SWITCHES);
        if (!line.positional().isEmpty()) {
            throw new CommandLine.UsageException("demo: unexpected argument '" + line.positional().getFirst() + "'");
        }
        TrainSettings settings = TrainSettings.from(line);
        int continueEpochs = line.integer("continue-epochs", line.has("quick") ? 1 : 2, 1);
        long start = System.nanoTime();
        out.printf(Locale.ROOT, "Kiln IMDB demo (" + settings.model().label() + " model): %d epochs, batch %d, Adam(%s), max_tokens %d, %d threads, seed %d%s%n",
                settings.epochs(), settings.batchSize(), new java.math.BigDecimal(Float.toString(settings.learningRate())).stripTrailingZeros().toPlainString(), settings.maxTokens(), settings.threads(),
                settings.seed(), line.has("quick") ? " (quick mode)" : "");
        try (ComputePool pool = ComputePool.withThreads(settings.threads())) {
            Engine engine = settings.engine(pool);
            ImdbData data = ImdbData.load(settings, out);
            TextVectorization encoder = adapt(settings, data, pool, out);
            showEncodings(encoder, data.train().subList(0, 3), out);

            Sequential model = settings.model().build(encoder, settings.seed(), settings.target());
            out.print(model.summary());
            SeedModel.compile(model, settings.learningRate(), engine);
            out.println("\nThe untrained model on a sample review:");
            PredictCommand.print(model, SAMPLES.subList(0, 1), out);

            out.println("\nTraining:");
            History history = Fitting.fit(model, data, settings, settings.checkpoint(), 0, settings.epochs(), List.of(), out);
            Fitting.writeHistory(history, settings.out(), "", out);
            Fitting.evaluateOnTestSplit(model, data, settings, "The model after the last epoch", out);

            ModelFile.Loaded best = loadBest(settings.checkpoint(), engine, out);
            PredictCommand.print(best.model(), SAMPLES, out);
            Fitting.evaluateOnTestSplit(best.model(), data, settings, "The best model", out);

            int trained = checkpointRecord(best, settings.checkpoint()).epoch();
            Path continued = settings.out().resolve("best_model_continued");
            out.printf(Locale.ROOT, "%nContinuing training from the best model (epoch %d, Adam step %d) for %d more epoch(s);"
                    + " checkpoint: %s%n", trained, best.optimizer().orElseThrow().iterations(), continueEpochs, continued);
            TrainSettings noBackup = settings.withoutBackup();
            History more = Fitting.fit(best.model(), data, noBackup, continued, trained, trained + continueEpochs, List.of(), out);
            Fitting.writeHistory(more, settings.out(), "continued_", out);

            Fitting.evaluateOnTestSplit(best.model(), data, settings, "The continued model", out);
            ModelFile.Loaded finalBest = loadBest(continued, engine, out);
            Fitting.evaluateOnTestSplit(finalBest.model(), data, settings, "Its best checkpoint", out);
        }
        out.printf(Locale.ROOT, "Demo finished in %.1f s. Try: ./kiln predict --model %s \"What a wonderful film\"%n",
                (System.nanoTime() - start) / 1e9, settings.checkpoint());
    }

    /** The model's TextVectorization, adapted on the train reviews (unless a Keras config gave it its vocabulary). */
    static TextVectorization adapt(TrainSettings settings, ImdbData data, ComputePool pool, PrintStream out) {
        long start = System.nanoTime();
        TextVectorization encoder = settings.model().encoder(settings.maxTokens());
        Object maxTokens = encoder.config().values().get("max_tokens");
        if (encoder.isBuilt()) {
            out.printf(Locale.ROOT, "TextVectorization(max_tokens=%s) keeps the vocabulary of %,d entries its config gives%n",
                    maxTokens, encoder.vocabularySize());
            return encoder;
        }
        encoder.adapt(data.trainTexts(), pool);
        out.printf(Locale.ROOT, "Adapted TextVectorization(max_tokens=%s) on %,d train reviews in %.2f s%n", maxTokens,
                data.train().size(), (System.nanoTime() - start) / 1e9);
        return encoder;
    }

    /** The vocabulary's first 20 entries and three reviews with their ids and the round trip, as the tutorial shows them. */
    private static void showEncodings(TextVectorization encoder, List<Review> reviews, PrintStream out) {
        List<String> vocabulary = encoder.getVocabulary();
        out.println("vocabulary[:20] = [" + vocabulary.subList(0, Math.min(20, vocabulary.size())).stream()
                .map(token -> "'" + token + "'").collect(Collectors.joining(" ")) + "]");
        for (int i = 0; i < reviews.size(); i++) {
            Review review = reviews.get(i);
            int[] ids = encoder.encode(review.text());
            int shown = Math.min(20, ids.length);
            StringBuilder head = new StringBuilder();
            for (int t = 0; t < shown; t++) {
                head.append(t == 0 ? "" : " ").append(ids[t]);
            }
            out.printf(Locale.ROOT, "%nReview %d (%s): %s%n  ids (%d tokens): [%s%s]%n  round trip: %s%n", i + 1,
                    review.label() == 1 ? "positive" : "negative", PredictCommand.shorten(review.text(), 100), ids.length, head,
                    ids.length > shown ? " ..." : "", String.join(" ", encoder.decode(java.util.Arrays.copyOf(ids, shown)))
                            + (ids.length > shown ? " ..." : ""));
        }
        out.println();
    }

    private static ModelFile.Loaded loadBest(Path file, Engine engine, PrintStream out) throws IOException {
        if (!Files.exists(file)) {
            throw new IOException(file + ": no best model was saved (no epoch had a finite val_loss)");
        }
        ModelFile.Loaded loaded = ModelFile.load(file, SeedModel.parts());
        loaded.compile(engine);
        CheckpointRecord record = checkpointRecord(loaded, file);
        out.printf(Locale.ROOT, "%nLoaded %s (saved at epoch %s with %s %.5f):%n", file, record.epoch(), record.monitor(),
                record.value());
        return loaded;
    }

    /** The ModelCheckpoint record the loaded file carries. */
    private static CheckpointRecord checkpointRecord(ModelFile.Loaded loaded, Path file) throws IOException {
        return loaded.checkpoint().orElseThrow(() -> new IOException(file + ": no checkpoint record (not written by ModelCheckpoint)"));
    }
}
