package dev.kiln.nlp.demo;

import dev.kiln.engine.autodiff.InputProjection;
import dev.kiln.engine.kernel.ComputePool;
import dev.kiln.engine.model.Engine;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;

/**
 * What a training run uses, with the seed workflow's values as defaults: 10 epochs, batch 64,
 * Adam(1e-4), TextVectorization(max_tokens=1000), shuffle buffer 10,000, validation on the first
 * 30 batches of the test split, EarlyStopping(val_loss, patience 5), ModelCheckpoint on
 * val_loss with save_best_only. {@code quick} trains on 4,000 reviews for 2 epochs at 1e-3.
 *
 * @param limit        reviews per split to use (0 = all)
 * @param saveFreq     0 = save at epoch ends, else every N batches
 * @param backupDir    BackupAndRestore folder (resume after a crash), or null
 * @param target       what the model learns from a review (train's --target; the demo's is sentiment)
 * @param model        the model: a built-in architecture or a Keras config file (--model)
 * @param stepsPerEpoch 0 = every batch of the training data each epoch, else at most this many batches of each
 *                      epoch's shuffled pass (each pass starts at the data's beginning, unlike Keras' steps_per_epoch)
 */
record TrainSettings(Path data, boolean download, Path out, int epochs, int batchSize, float learningRate, int maxTokens,
                     int threads, long seed, int limit, int shuffleBuffer, int validationSteps, int patience,
                     Path checkpoint, int saveFreq, Path backupDir, InputProjection projection, Target target,
                     ModelDesign model, int stepsPerEpoch) {

    static final int QUICK_REVIEWS = 4_000;
    static final Set<String> OPTIONS = Set.of("data", "out", "epochs", "batch-size", "learning-rate", "max-tokens", "threads",
            "seed", "limit", "checkpoint", "save-freq", "resume", "patience", "validation-steps", "input-projection", "model",
            "steps-per-epoch");
    static final Set<String> SWITCHES = Set.of("quick", "download");

    static final String HELP = """
              --data PATH          the IMDB archive (aclImdb_v1.tar.gz, .tar) or an extracted aclImdb folder
                                   (default: data/aclImdb_v1.tar.gz)
              --download           fetch the official archive into data/ first (84 MB, verified by SHA-256)
              --out DIR            where the model, plots and history go (default: kiln-output)
              --epochs N           training epochs (default 10; --quick: 2)
              --batch-size N       examples per batch (default 64)
              --learning-rate X    the optimizer's learning rate (default for Adam 1e-4; --quick: 1e-3, so two short
                                   epochs show learning)
              --max-tokens N       TextVectorization vocabulary size (default 1000)
              --threads N          compute threads (default: the machine's cores)
              --seed N             weights and shuffling; the same seed gives the same run (default 42)
              --limit N            use only N reviews of each IMDB split (default: all 25,000; --quick: 4,000)
              --steps-per-epoch N  train on at most N batches of each epoch's shuffled pass (default: all)
              --patience N         EarlyStopping patience on val_loss (default 5)
              --validation-steps N batches of IMDB's test split to validate on each epoch (default 30)
              --checkpoint FILE    ModelCheckpoint filepath, save_best_only on val_loss (default OUT/best_model)
              --save-freq F        'epoch' or a number of batches (default epoch)
              --resume DIR         BackupAndRestore folder: back up every epoch and, after a crash, resume
                                   exactly where the last backup was taken
              --input-projection P how the first LSTM, GRU or SimpleRNN projects the embeddings: auto (by
                                   cost: the table for this model), table (project the table once per batch) or
                                   per_token (multiply every token's vector); the same numbers up to
                                   float rounding (default auto)
              --model M            seed (default): Bidirectional(LSTM(64)) -> Dense(64, relu); stacked, the
                                   tutorial's second model: Bidirectional(LSTM(64, return_sequences)) ->
                                   Bidirectional(LSTM(32)) -> Dense(64, relu) -> Dropout(0.5); cnn:
                                   TextVectorization(output_sequence_length 200) -> Embedding(mask_zero=False) ->
                                   Conv1D(128, 5, relu) -> GlobalMaxPooling1D; or FILE.json, a Keras Sequential config
                                   (model.to_json(), or a .keras archive's config.json) that starts with
                                   TextVectorization (adapted here; its max_tokens, not --max-tokens) or Embedding
                                   and ends in the head --target needs, linear (Kiln's losses take logits)
              --quick              a first look: 2 epochs, learning rate 1e-3; on IMDB 4,000 reviews per split
                                   (under a minute)
            """;

    /** These settings without BackupAndRestore (the demo's continued run keeps no backup). */
    TrainSettings withoutBackup() {
        return new TrainSettings(data, false, out, epochs, batchSize, learningRate, maxTokens, threads, seed, limit, shuffleBuffer,
                validationSteps, patience, checkpoint, saveFreq, null, projection, target, model, stepsPerEpoch);
    }

    private static InputProjection projection(String name) throws CommandLine.UsageException {
        try {
            return InputProjection.named(name);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.UsageException("--input-projection " + e.getMessage());
        }
    }

    /** The engine these settings ask for on {@code pool}. */
    Engine engine(ComputePool pool) {
        return Engine.on(pool).withInputProjection(projection);
    }

    /** IMDB's target, or regression (for a user's numeric labels). */
    private static Target target(String name) throws CommandLine.UsageException {
        return name.equals("regression") ? Target.regression() : Target.named(name);
    }

    static TrainSettings from(CommandLine line) throws CommandLine.UsageException, IOException {
        boolean quick = line.has("quick");
        Path out = line.path("out", Path.of("kiln-output"));
        String saveFreq = line.string("save-freq", "epoch");
        int frequency;
        if (saveFreq.equals("epoch")) {
            frequency = 0;
        } else {
            try {
                frequency = Integer.parseInt(saveFreq);
            } catch (NumberFormatException e) {
                frequency = -1;
            }
            if (frequency < 1) {
                throw new CommandLine.UsageException("--save-freq expects 'epoch' or a positive number of batches, got '" + saveFreq + "'");
            }
        }
        return new TrainSettings(line.path("data", Path.of("data", "aclImdb_v1.tar.gz")), line.has("download"), out,
                line.integer("epochs", quick ? 2 : 10, 1), line.integer("batch-size", 64, 1),
                line.positiveFloat("learning-rate", quick ? 1e-3f : 1e-4f), line.integer("max-tokens", 1000, 3),
                line.integer("threads", Runtime.getRuntime().availableProcessors(), 1), line.longValue("seed", 42),
                line.integer("limit", quick ? QUICK_REVIEWS : 0, 0), 10_000, line.integer("validation-steps", 30, 1),
                line.integer("patience", 5, 0), line.path("checkpoint", out.resolve("best_model")), frequency,
                line.path("resume", null), projection(line.string("input-projection", "auto")),
                target(line.string("target", "sentiment")), ModelDesign.named(line.string("model", "seed")),
                line.has("steps-per-epoch") ? line.integer("steps-per-epoch", 1, 1) : 0);
    }
}
