package dev.kiln.nlp.hostile;

import dev.kiln.engine.model.FitOptions;
import dev.kiln.checkpoint.callback.BackupAndRestore;
import dev.kiln.checkpoint.callback.CheckpointOptions;
import dev.kiln.checkpoint.callback.ModelCheckpoint;
import dev.kiln.checkpoint.io.AtomicFileWriter;
import dev.kiln.checkpoint.model.ModelFile;
import dev.kiln.engine.callback.Callback;
import dev.kiln.engine.callback.EarlyStopping;
import dev.kiln.engine.callback.Mode;
import dev.kiln.engine.data.Dataset;
import dev.kiln.engine.kernel.ComputePool;
import dev.kiln.engine.layer.Activation;
import dev.kiln.engine.layer.Bidirectional;
import dev.kiln.engine.layer.CellRnn;
import dev.kiln.engine.layer.Conv1D;
import dev.kiln.engine.layer.Dense;
import dev.kiln.engine.layer.Dropout;
import dev.kiln.engine.layer.Embedding;
import dev.kiln.engine.layer.Flatten;
import dev.kiln.engine.layer.GlobalPooling1D;
import dev.kiln.engine.layer.Layer;
import dev.kiln.engine.layer.LayerNormalization;
import dev.kiln.engine.layer.Lstm;
import dev.kiln.engine.layer.MaxPooling1D;
import dev.kiln.engine.loss.BinaryCrossentropy;
import dev.kiln.engine.metric.BinaryAccuracy;
import dev.kiln.engine.model.Engine;
import dev.kiln.engine.model.LabeledBatch;
import dev.kiln.engine.model.Sequential;
import dev.kiln.engine.optim.Adam;
import dev.kiln.engine.random.Rng;
import dev.kiln.engine.testing.TempFolder;
import dev.kiln.nlp.Ngrams;
import dev.kiln.nlp.TextVectorization;
import dev.kiln.nlp.Texts;
import dev.kiln.nlp.Tokenizer;
import dev.kiln.nlp.demo.Architecture;
import dev.kiln.nlp.demo.SeedModel;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Real files of the seed model (TextVectorization(1000) -> Embedding(1000, 64, mask_zero) ->
 * Bidirectional(LSTM(64)) -> Dense(64, relu) -> Dense(1)) as Kiln's own code writes them during
 * a short fit: ModelCheckpoint's best model (Adam state and checkpoint record), BackupAndRestore's
 * backup (training state, callback states and EarlyStopping's best weights) and a weights-only
 * file; a bag-of-words model (TextVectorization(200, tf_idf, bigrams) -> Dense(8, relu) ->
 * Dense(1)) saved after a short fit, whose config has idf weights and n-grams; and, each saved
 * after a short fit with its Adam state, the tutorial's stacked model and two models that hold the
 * rest of the sequence layers: a masked recurrent one (GRU and SimpleRNN returning sequences,
 * Bidirectional's sum, ave and mul, LayerNormalization, SpatialDropout1D, Dense per step,
 * GlobalAveragePooling1D, Dropout) and a convolutional one on fixed-length ids (Conv1D with
 * "same", dilation and stride, MaxPooling1D, Flatten). Made once per JVM, in a temporary folder
 * deleted once the files are read: only their bytes are kept.
 */
final class SavedSeedModels {
    private static SavedSeedModels instance;

    final Map<String, byte[]> files;

    private SavedSeedModels(Map<String, byte[]> files) {
        this.files = files;
    }

    static synchronized SavedSeedModels get() {
        if (instance == null) {
            try {
                instance = make();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return instance;
    }

    /** Texts of words with Zipf-like frequencies, some of them non-ASCII, so the vocabulary fills its 1000 entries. */
    static List<String> texts(long seed, int count) {
        Rng rng = new Rng(seed);
        List<String> texts = new ArrayList<>();
        for (int t = 0; t < count; t++) {
            StringBuilder text = new StringBuilder();
            for (int w = 0, words = 3 + rng.nextInt(25); w < words; w++) {
                int rank = (int) Math.floor(Math.exp(rng.uniform(0f, (float) Math.log(3000))));
                text.append(w == 0 ? "" : " ").append(rank % 7 == 0 ? "wörd" : rank % 11 == 0 ? "字" : "w").append(rank);
            }
            texts.add(text.toString());
        }
        return texts;
    }

    private static Dataset<LabeledBatch> batches(long seed, int count) {
        List<LabeledBatch> batches = new ArrayList<>();
        List<String> all = texts(seed, 16 * count);
        for (int b = 0; b < count; b++) {
            List<String> texts = all.subList(16 * b, 16 * b + 16);
            float[] labels = new float[16];
            for (int i = 0; i < 16; i++) {
                labels[i] = texts.get(i).length() % 2;
            }
            batches.add(new LabeledBatch(new Texts(texts), labels));
        }
        return Dataset.fromList(batches);
    }

    private static SavedSeedModels make() throws IOException {
        try (TempFolder temp = TempFolder.create("kiln-hostile")) {
            return make(temp.path());
        }
    }

    private static SavedSeedModels make(Path folder) throws IOException {
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        try (ComputePool pool = ComputePool.withThreads(2)) {
            TextVectorization encoder = SeedModel.adaptedVectorizer(1000, texts(1, 3000), pool);
            Sequential model = SeedModel.build(encoder, 5);
            model.compile(new Adam(1e-3f), BinaryCrossentropy.fromLogits(), List.of(BinaryAccuracy.onLogits()), Engine.on(pool));
            List<Callback> callbacks = List.of(
                    EarlyStopping.builder("val_loss").patience(3).restoreBestWeights(true).out(quiet).build(),
                    ModelCheckpoint.builder(folder.resolve("best.kiln").toString()).saveBestOnly(true)
                            .options(CheckpointOptions.defaults().withFsync(false)).out(quiet).build(),
                    BackupAndRestore.builder(folder.resolve("backup")).saveFreq(3).deleteOnEnd(false).fsync(false).out(quiet).build());
            model.fit(batches(2, 4), FitOptions.epochs(2).validation(batches(3, 1), 1).callbacks(callbacks));
            ModelFile.saveWeights(folder.resolve("weights.kiln"), model, new AtomicFileWriter(false));

            TextVectorization words = TextVectorization.builder().maxTokens(200).outputMode(TextVectorization.OutputMode.TF_IDF)
                    .ngrams(Ngrams.upTo(2)).build();
            words.adapt(texts(4, 500), pool);
            saveFitted(folder.resolve("bag.kiln"), sequential(6, List.of(words, new Dense(8, Activation.RELU, "dense"),
                    new Dense(1, Activation.LINEAR, "dense_1"))), batches(5, 4), 1, pool);

            // Two short epochs each, so Adam has state to save.
            saveFitted(folder.resolve("stacked.kiln"), SeedModel.build(encoder, 7, Architecture.STACKED), batches(10, 3), 2, pool);
            saveFitted(folder.resolve("recurrent.kiln"), sequential(9, List.of(vectorizer(300, null, pool),
                    new Embedding(300, 8, true, "embedding"),
                    new Bidirectional(new CellRnn(CellRnn.Kind.GRU, 6, false, true, "gru"), "sum", "bidirectional"),
                    new LayerNormalization("layer_normalization"),
                    new Dropout(0.2, 3, true, "spatial_dropout1d"),
                    new Bidirectional(new CellRnn(CellRnn.Kind.SIMPLE_RNN, 5, false, true, "simple_rnn"), "ave",
                            "bidirectional_1"),
                    new Bidirectional(new Lstm(4, false, true, "lstm"), "mul", "bidirectional_2"),
                    new Dense(4, Activation.TANH, "dense"),
                    GlobalPooling1D.average("global_average_pooling1d"),
                    new Dropout(0.3, "dropout"),
                    new Dense(1, Activation.LINEAR, "dense_1"))), batches(10, 3), 2, pool);
            saveFitted(folder.resolve("convolutional.kiln"), sequential(9, List.of(vectorizer(300, 24, pool),
                    new Embedding(300, 8, false, "embedding"),
                    new Conv1D(6, 3, 1, 2, true, Activation.RELU, "conv1d"),
                    new MaxPooling1D(2, "max_pooling1d"),
                    new Conv1D(4, 2, 2, 1, false, Activation.TANH, "conv1d_1"),
                    new Flatten("flatten"),
                    new Dense(1, Activation.LINEAR, "dense"))), batches(10, 3), 2, pool);
        }
        return new SavedSeedModels(Map.of(
                "best", Files.readAllBytes(folder.resolve("best.kiln")),
                "backup", Files.readAllBytes(folder.resolve("backup").resolve(BackupAndRestore.FILE_NAME)),
                "weights", Files.readAllBytes(folder.resolve("weights.kiln")),
                "bag_of_words", Files.readAllBytes(folder.resolve("bag.kiln")),
                "stacked", Files.readAllBytes(folder.resolve("stacked.kiln")),
                "recurrent", Files.readAllBytes(folder.resolve("recurrent.kiln")),
                "convolutional", Files.readAllBytes(folder.resolve("convolutional.kiln"))));
    }

    /** A TextVectorization(maxTokens), padding or cutting to {@code length} ids when one is given, adapted on the test texts. */
    private static TextVectorization vectorizer(int maxTokens, Integer length, ComputePool pool) {
        TextVectorization encoder = new TextVectorization(maxTokens, Tokenizer.keras(), length, "text_vectorization");
        encoder.adapt(texts(8, 500), pool);
        return encoder;
    }

    private static Sequential sequential(long seed, List<Layer> layers) {
        Sequential model = new Sequential(layers);
        model.build(0, new Rng(seed));
        return model;
    }

    /** Compiles {@code model} as the seed model is compiled, fits it on {@code data} for {@code epochs}, and saves it whole. */
    private static void saveFitted(Path file, Sequential model, Dataset<LabeledBatch> data, int epochs, ComputePool pool)
            throws IOException {
        model.compile(new Adam(1e-3f), BinaryCrossentropy.fromLogits(), List.of(BinaryAccuracy.onLogits()), Engine.on(pool));
        model.fit(data, FitOptions.epochs(epochs));
        ModelFile.save(file, model, new AtomicFileWriter(false));
    }
}
