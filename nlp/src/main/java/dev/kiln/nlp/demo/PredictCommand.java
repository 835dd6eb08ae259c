package dev.kiln.nlp.demo;

import dev.kiln.checkpoint.model.ModelFile;
import dev.kiln.engine.json.JsonWriter;
import dev.kiln.engine.kernel.ComputePool;
import dev.kiln.engine.model.Engine;
import dev.kiln.engine.model.Sequential;
import dev.kiln.nlp.TextPrediction;
import dev.kiln.nlp.TextPredictor;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code kiln predict [--model FILE] [--json] [TEXT ... | -]}: answers for raw texts from a saved
 * text model: a classifier's class and probabilities, a regressor's value.
 */
final class PredictCommand {
    static final String HELP = """
            usage: kiln predict [--model FILE] [--threads N] [--json] ["text" ... | -]
              Loads a saved Kiln text model (one that starts with TextVectorization: what demo and train save)
              and prints, for each text, its answer: a classifier's class with its probability (and the
              next likeliest classes), a regressor's value. Texts are the arguments, or the lines of
              standard input when the only argument is - or there is none.
              --model FILE   the model file (default: kiln-output/best_model); a Keras model file (FILE.keras,
                             FILE.h5) is read directly, as kiln import reads it (a text model: TextVectorization
                             first; a final sigmoid or softmax read as probabilities)
              --threads N    compute threads (default: the machine's cores)
              --json         one JSON object per text and line, for programs:
                             {"text", "label", "probabilities": {class: p}, "outputs": [...]}
                             (label and probabilities only for classifiers)
            """;
    private static final int BATCH = 256;

    private PredictCommand() {}

    static void run(List<String> args, InputStream in, PrintStream out) throws IOException, CommandLine.UsageException {
        CommandLine line = CommandLine.parse("predict", args, Set.of("model", "threads"), Set.of("json"));
        Path file = line.path("model", Path.of("kiln-output", "best_model"));
        try (ComputePool pool = ComputePool.withThreads(line.integer("threads", Runtime.getRuntime().availableProcessors(), 1))) {
            Sequential model = KerasModelCommands.isKerasFile(file) ? KerasModelCommands.forPredict(file, Engine.on(pool))
                    : ModelFile.load(file, SeedModel.parts()).compile(Engine.on(pool));
            List<String> positional = line.positional();
            if (!positional.isEmpty() && !positional.equals(List.of("-"))) {
                write(TextPredictor.predict(model, positional), line.has("json"), out);
                return;
            }
            readLines(in, texts -> write(TextPredictor.predict(model, texts), line.has("json"), out));
        }
    }

    /** Standard input, one text per line, in batches so a long stream is answered as it comes. */
    private static void readLines(InputStream in, java.util.function.Consumer<List<String>> batch) throws IOException,
            CommandLine.UsageException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        List<String> texts = new ArrayList<>();
        boolean any = false;
        for (String text = reader.readLine(); text != null; text = reader.readLine()) {
            texts.add(text);
            any = true;
            if (texts.size() == BATCH) {
                batch.accept(texts);
                texts = new ArrayList<>();
            }
        }
        if (!texts.isEmpty()) {
            batch.accept(texts);
        }
        if (!any) {
            throw new CommandLine.UsageException("predict: give at least one text, as arguments or as lines on standard input");
        }
    }

    private static void write(List<TextPrediction> predictions, boolean json, PrintStream out) {
        for (TextPrediction prediction : predictions) {
            out.println(json ? json(prediction) : line(prediction));
        }
        out.flush();
    }

    /** Prints each text's answer, as {@code kiln predict} does. */
    static void print(Sequential model, List<String> texts, PrintStream out) {
        write(TextPredictor.predict(model, texts), false, out);
    }

    /** "positive p(positive) = 0.912  logit +2.3400", "7/10  p = 0.412  (8/10 0.220, 10/10 0.130)" or "value 7.3100", then the text. */
    private static String line(TextPrediction p) {
        String text = "\"" + shorten(p.text(), 90) + "\"";
        if (p.label().isEmpty()) {
            String values = p.outputs().stream().map(v -> String.format(Locale.ROOT, "%.4f", v)).collect(Collectors.joining(" "));
            return (p.probabilities().isEmpty() ? "value " + values : "p " + p.probabilities()) + "  " + text;
        }
        String label = p.label().get();
        if (p.probabilities().size() == 2 && p.outputs().size() == 1) {
            String positive = List.copyOf(p.probabilities().keySet()).get(1);
            return String.format(Locale.ROOT, "%-8s p(%s) = %.3f  output %+.4f  %s", label, positive, p.probabilities().get(positive),
                    p.outputs().getFirst(), text);
        }
        String others = p.probabilities().entrySet().stream().filter(e -> !e.getKey().equals(label))
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(2)
                .map(e -> String.format(Locale.ROOT, "%s %.3f", e.getKey(), e.getValue())).collect(Collectors.joining(", "));
        return String.format(Locale.ROOT, "%-8s p = %.3f  (%s)  %s", label, p.probabilities().get(label), others, text);
    }

    private static String json(TextPrediction p) {
        Map<String, Object> object = new LinkedHashMap<>();
        object.put("text", p.text());
        p.label().ifPresent(label -> object.put("label", label));
        if (!p.probabilities().isEmpty()) {
            object.put("probabilities", p.probabilities());
        }
        object.put("outputs", p.outputs());
        return JsonWriter.writeLine(object);
    }

    static String shorten(String text, int length) {
        String flat = text.replaceAll("\\s+", " ").strip();
        return flat.length() <= length ? flat : flat.substring(0, length - 3) + "...";
    }
}
