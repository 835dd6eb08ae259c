package dev.kiln.nlp.demo;

import dev.kiln.checkpoint.model.ModelFile;
import dev.kiln.engine.kernel.ComputePool;
import dev.kiln.engine.model.Engine;
import dev.kiln.engine.model.Sequential;
import dev.kiln.nlp.Texts;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** {@code kiln predict [--model FILE] "review text" ...}: classifies raw reviews with a saved model. */
final class PredictCommand {
    static final String HELP = """
            usage: kiln predict [--model FILE] [--threads N] "review text" ["another review" ...]
              Loads a saved Kiln model that starts with TextVectorization (the demo's best_model) and prints,
              for each text, the logit, the probability of a positive review and the verdict.
              --model FILE   the model file (default: kiln-output/best_model)
              --threads N    compute threads (default: the machine's cores)
            """;

    private PredictCommand() {}

    static void run(List<String> args, PrintStream out) throws IOException, CommandLine.UsageException {
        CommandLine line = CommandLine.parse("predict", args, Set.of("model", "threads"), Set.of());
        if (line.positional().isEmpty()) {
            throw new CommandLine.UsageException("predict: give at least one review text to classify");
        }
        Path file = line.path("model", Path.of("kiln-output", "best_model"));
        try (ComputePool pool = ComputePool.withThreads(line.integer("threads", Runtime.getRuntime().availableProcessors(), 1))) {
            Sequential model = ModelFile.load(file, SeedModel.parts()).compile(Engine.on(pool));
            print(model, line.positional(), out);
        }
    }

    /** One line per text: verdict, probability and logit, then the text (shortened). */
    static void print(Sequential model, List<String> texts, PrintStream out) {
        float[] logits = model.predict(new Texts(texts)).data();
        for (int i = 0; i < texts.size(); i++) {
            double probability = 1 / (1 + Math.exp(-logits[i]));
            out.printf(Locale.ROOT, "%-8s p(positive) = %.3f  logit %+.4f  \"%s\"%n", probability > 0.5 ? "positive" : "negative",
                    probability, logits[i], shorten(texts.get(i), 90));
        }
    }

    static String shorten(String text, int length) {
        String flat = text.replaceAll("\\s+", " ").strip();
        return flat.length() <= length ? flat : flat.substring(0, length - 3) + "...";
    }
}
