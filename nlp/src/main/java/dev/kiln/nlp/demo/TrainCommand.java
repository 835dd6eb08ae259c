package dev.kiln.nlp.demo;

import dev.kiln.checkpoint.model.ModelFile;
import dev.kiln.engine.callback.History;
import dev.kiln.engine.data.Dataset;
import dev.kiln.engine.kernel.ComputePool;
import dev.kiln.engine.model.LabeledBatch;
import dev.kiln.engine.model.Sequential;
import dev.kiln.nlp.TextVectorization;

import java.io.IOException;
import java.io.PrintStream;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * {@code kiln train [options]}: a text model (--model) trained with checkpointing on IMDB or on a
 * user's data (a folder of class folders, a CSV, TSV or JSON Lines file), the history written,
 * the held-out data evaluated.
 */
final class TrainCommand {
    static final String HELP = """
            usage: kiln train [options]
              Trains a text model (--model; the seed model by default) with EarlyStopping and ModelCheckpoint
              (save_best_only on val_loss) and writes the history (CSV, PNG and SVG charts) to OUT. On IMDB it
              validates on the test split's first batches, evaluates on the whole test split and prints the
              trivial baseline a model must beat there. On your own data (--data FOLDER or FILE, below) it
              validates on the validation part, which chooses the checkpoint, evaluates the best model there,
              and scores it on --test-data when given.
              --target T           what to learn from an IMDB review (default sentiment):
                                   sentiment  positive or negative: one logit, binary cross-entropy, accuracy
                                   rating     its star rating, one of 1-4 and 7-10 (8 classes): softmax,
                                              sparse categorical cross-entropy, accuracy, top-2 accuracy
                                   stars      its stars as a number: regression, mean squared error, MAE
            """ + TrainSettings.HELP + Compiling.HELP + OwnData.HELP;

    private TrainCommand() {}

    static void run(List<String> args, PrintStream out) throws IOException, CommandLine.UsageException {
        Set<String> options = new HashSet<>(TrainSettings.OPTIONS);
        options.add("target");
        options.addAll(Compiling.OPTIONS);
        options.addAll(OwnData.OPTIONS);
        Set<String> switches = new HashSet<>(TrainSettings.SWITCHES);
        switches.addAll(OwnData.SWITCHES);
        CommandLine line = CommandLine.parse("train", args, options, switches);
        if (!line.positional().isEmpty()) {
            throw new CommandLine.UsageException("train: unexpected argument '" + line.positional().getFirst() + "'");
        }
        TrainSettings settings = TrainSettings.from(line);
        Compiling compiling = Compiling.from(line);
        boolean own = !settings.download() && OwnData.isOwn(settings.data());
        if (own) {
            for (String option : List.of("limit", "download")) {
                if (line.has(option)) {
                    throw new CommandLine.UsageException("train: --" + option + " is for IMDB; " + settings.data() + " is your own data");
                }
            }
            if (line.has("target") && settings.target().task() != Target.Task.REGRESSION || settings.target() == Target.STARS) {
                throw new CommandLine.UsageException("train: --target " + settings.target() + " is for IMDB; on your own data the"
                        + " labels give the task, or --target regression learns numeric labels as values");
            }
        } else {
            for (String option : OwnData.OPTIONS) {
                if (line.has(option)) {
                    throw new CommandLine.UsageException("train: --" + option + " is for your own data (a folder of class folders,"
                            + " or a .csv, .tsv, .jsonl or .ndjson file); " + settings.data() + " is read as IMDB's");
                }
            }
            if (settings.target().task() == Target.Task.REGRESSION && settings.target() != Target.STARS) {
                throw new CommandLine.UsageException("train: --target regression is for your own data; IMDB's stars as a number"
                        + " is --target stars");
            }
        }
        try (ComputePool pool = ComputePool.withThreads(settings.threads())) {
            if (own) {
                trainOwn(settings, compiling, line, pool, out);
            } else {
                trainImdb(settings, compiling, pool, out);
            }
        }
    }

    private static void trainImdb(TrainSettings settings, Compiling compiling, ComputePool pool, PrintStream out) throws IOException {
        ImdbData data = ImdbData.load(settings, out);
        TextVectorization encoder = DemoCommand.adapt(settings, data, pool, out);
        Target target = settings.target();
        Sequential model = build(settings, compiling, encoder, target, pool, out);
        History history = Fitting.fit(model, data, settings, settings.checkpoint(), 0, settings.epochs(), List.of(), out);
        Fitting.writeHistory(history, settings.out(), "", out);
        Fitting.evaluateOnTestSplit(model, data, settings, "The final model", out);
        ModelFile.Loaded best = ModelFile.load(settings.checkpoint(), SeedModel.parts());
        Fitting.evaluateOnTestSplit(best.compile(settings.engine(pool)), data, settings, "The best model", out);
        out.printf(Locale.ROOT, "The trivial baseline on the test split (it ignores the text, predicting the train"
                + " split's %s): %s%n", target == Target.STARS ? "mean" : "class shares",
                Fitting.formatted(target.baseline(data.train(), data.test())));
        out.printf(Locale.ROOT, "Best model: %s%n", settings.checkpoint());
    }

    private static void trainOwn(TrainSettings settings, Compiling compiling, CommandLine line, ComputePool pool, PrintStream out)
            throws IOException, CommandLine.UsageException {
        TextVectorization encoder = settings.model().encoder(settings.maxTokens());
        OwnData data = OwnData.read(settings, line, encoder, pool, out);
        Sequential model = build(settings, compiling, encoder, data.target(), pool, out);
        OptionalInt validationSteps = line.has("validation-steps") ? OptionalInt.of(settings.validationSteps()) : OptionalInt.empty();
        Dataset<LabeledBatch> validation = data.validation(settings.batchSize());
        History history = Fitting.fit(model, data.training(settings.batchSize(), settings.shuffleBuffer(), settings.seed()), validation,
                validationSteps, settings, settings.checkpoint(), 0, settings.epochs(), List.of(), out);
        Fitting.writeHistory(history, settings.out(), "", out);
        Sequential best = ModelFile.load(settings.checkpoint(), SeedModel.parts()).compile(settings.engine(pool));
        Dataset<LabeledBatch> scored = validationSteps.isPresent() ? validation.take(validationSteps.getAsInt()) : validation;
        Fitting.evaluate(best, scored, "The best model on the validation " + (validationSteps.isPresent() ? "batches" : "part"), -1,
                "texts", out);
        Optional<Dataset<LabeledBatch>> test = data.test(settings.batchSize());
        if (test.isPresent()) {
            Fitting.evaluate(best, test.get(), "The best model on the test data", -1, "texts", out);
        }
        out.printf(Locale.ROOT, "Best model: %s%n", settings.checkpoint());
    }

    private static Sequential build(TrainSettings settings, Compiling compiling, TextVectorization encoder, Target target,
                                    ComputePool pool, PrintStream out) throws IOException {
        Sequential model = settings.model().build(encoder, settings.seed(), target);
        out.print(model.summary());
        out.println(compiling.compile(model, settings.learningRate(), settings.engine(pool), target));
        return model;
    }
}
