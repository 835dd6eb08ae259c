package dev.kiln.nlp.demo;

import dev.kiln.engine.callback.History;
import dev.kiln.engine.kernel.ComputePool;
import dev.kiln.engine.model.Sequential;
import dev.kiln.nlp.TextVectorization;

import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/** {@code kiln train [options]}: the seed model trained with checkpointing, the history written, the test split evaluated. */
final class TrainCommand {
    static final String HELP = """
            usage: kiln train [options]
              Trains the seed model on IMDB with EarlyStopping and ModelCheckpoint (save_best_only on val_loss),
              writes the history (CSV, PNG and SVG charts) to OUT and evaluates on the whole test split.
            """ + TrainSettings.HELP;

    private TrainCommand() {}

    static void run(List<String> args, PrintStream out) throws IOException, CommandLine.UsageException {
        CommandLine line = CommandLine.parse("train", args, TrainSettings.OPTIONS, TrainSettings.SWITCHES);
        if (!line.positional().isEmpty()) {
            throw new CommandLine.UsageException("train: unexpected argument '" + line.positional().getFirst() + "'");
        }
        TrainSettings settings = TrainSettings.from(line);
        try (ComputePool pool = ComputePool.withThreads(settings.threads())) {
            ImdbData data = ImdbData.load(settings, out);
            TextVectorization encoder = DemoCommand.adapt(settings, data, pool, out);
            Sequential model = SeedModel.build(encoder, settings.seed());
            out.print(model.summary());
            SeedModel.compile(model, settings.learningRate(), settings.engine(pool));
            History history = Fitting.fit(model, data, settings, settings.checkpoint(), 0, settings.epochs(), List.of(), out);
            Fitting.writeHistory(history, settings.out(), "", out);
            Fitting.evaluateOnTestSplit(model, data, settings, "The final model", out);
            out.printf(Locale.ROOT, "Best model: %s%n", settings.checkpoint());
        }
    }
}
