package dev.kiln.nlp.demo;

import dev.kiln.checkpoint.model.ModelFile;
import dev.kiln.engine.callback.History;
import dev.kiln.engine.kernel.ComputePool;
import dev.kiln.engine.model.Sequential;
import dev.kiln.nlp.TextVectorization;

import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/** {@code kiln train [options]}: a text model (--model) trained with checkpointing, the history written, the test split evaluated. */
final class TrainCommand {
    static final String HELP = """
            usage: kiln train [options]
              Trains a text model (--model; the seed model by default) on IMDB with EarlyStopping and
              ModelCheckpoint (save_best_only on val_loss), writes the history (CSV, PNG and SVG charts) to
              OUT, evaluates on the whole test split and prints the trivial baseline a model must beat there.
              --target T           what to learn from a review (default sentiment):
                                   sentiment  positive or negative: one logit, binary cross-entropy, accuracy
                                   rating     its star rating, one of 1-4 and 7-10 (8 classes): softmax,
                                              sparse categorical cross-entropy, accuracy, top-2 accuracy
                                   stars      its stars as a number: regression, mean squared error, MAE
            """ + TrainSettings.HELP;

    private TrainCommand() {}

    static void run(List<String> args, PrintStream out) throws IOException, CommandLine.UsageException {
        Set<String> options = new HashSet<>(TrainSettings.OPTIONS);
        options.add("target");
        CommandLine line = CommandLine.parse("train", args, options, TrainSettings.SWITCHES);
        if (!line.positional().isEmpty()) {
            throw new CommandLine.UsageException("train: unexpected argument '" + line.positional().getFirst() + "'");
        }
        TrainSettings settings = TrainSettings.from(line);
        try (ComputePool pool = ComputePool.withThreads(settings.threads())) {
            ImdbData data = ImdbData.load(settings, out);
            TextVectorization encoder = DemoCommand.adapt(settings, data, pool, out);
            Target target = settings.target();
            Sequential model = settings.model().build(encoder, settings.seed(), target);
            out.print(model.summary());
            SeedModel.compile(model, settings.learningRate(), settings.engine(pool), target);
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
    }
}
