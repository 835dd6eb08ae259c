package dev.kiln.nlp.demo;

import dev.kiln.engine.data.Dataset;
import dev.kiln.engine.kernel.ComputePool;
import dev.kiln.engine.model.LabeledBatch;
import dev.kiln.nlp.TextVectorization;
import dev.kiln.nlp.source.DirectoryOptions;
import dev.kiln.nlp.source.LabelMode;
import dev.kiln.nlp.source.LabelSet;
import dev.kiln.nlp.source.LabelType;
import dev.kiln.nlp.source.LabeledFile;
import dev.kiln.nlp.source.TableOptions;
import dev.kiln.nlp.source.TextExample;
import dev.kiln.nlp.source.TextFolder;
import dev.kiln.nlp.source.TextSourceException;
import dev.kiln.nlp.source.TextTable;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A user's labelled texts for train: a folder with one subfolder of .txt files per class
 * ({@link TextFolder}, Keras' text_dataset_from_directory) or a CSV, TSV or JSON Lines file, gzip
 * or not ({@link TextTable}, chosen by the extension: .csv, .tsv, .jsonl or .ndjson, then
 * optionally .gz). The texts are read once to adapt the vocabulary (streamed, a group at a time)
 * and to collect the labels, then streamed again on every epoch through the shuffle buffer, so
 * the data need not fit in memory. The labels give the task: 2 classes binary, more softmax,
 * numbers with --target regression values (numeric labels without it are classes, in numeric
 * order). The validation part is --validation-data or a seeded split of the data
 * (--validation-split, 0.2 by default: a folder's files as Keras splits them, a table's records
 * by {@link RecordSplit}); --test-data is only scored at the end.
 */
final class OwnData {
    static final Set<String> OPTIONS = Set.of("text-column", "label-column", "validation-data", "validation-split", "test-data");
    static final Set<String> SWITCHES = Set.of("no-header");
    static final double DEFAULT_VALIDATION_SPLIT = 0.2;

    static final String HELP = """
              Your own data (--data a folder of class folders, or a .csv, .tsv, .jsonl or .ndjson file, optionally .gz):
              --text-column C      the texts' column: a header name (JSON Lines: a key) or a 0-based number (default text)
              --label-column C     the labels' column, likewise (default label); 2 classes: binary, more: softmax
                                   (top-2 accuracy from 4 classes on); whole-number labels are classes in numeric order
              --no-header          the CSV or TSV file has no header row (columns by number; default text 0, label 1)
              --target regression  learn numeric labels as values (mean squared error, MAE)
              --validation-data P  validate on this folder or file (same kind and classes as --data)
              --validation-split X without --validation-data, validate on this fraction of --data (default 0.2): a
                                   folder's last files in the seeded order, as Keras; a table's records chosen by a
                                   hash of (--seed, record number), about X of them
              --test-data P        score the best model on this folder or file at the end (it never chooses a checkpoint)
              --validation-steps N validate on N batches (default: the whole validation part)
            """;

    private static final int MAX_CLASS_LIST = 10;

    private final Target target;
    private final LabelMode labelMode = LabelMode.INT;
    private final Dataset<TextExample> train;
    private final Dataset<TextExample> validation;
    private final Optional<Dataset<TextExample>> test;

    private OwnData(Target target, Dataset<TextExample> train, Dataset<TextExample> validation, Optional<Dataset<TextExample>> test) {
        this.target = target;
        this.train = train;
        this.validation = validation;
        this.test = test;
    }

    /** Whether {@code path} is a user's data: a table by its extension, or a folder that is not IMDB's aclImdb. */
    static boolean isOwn(Path path) {
        if (Files.isDirectory(path)) {
            return !path.getFileName().toString().equals("aclImdb") && !Files.isDirectory(path.resolve("aclImdb"));
        }
        return tableFormat(path) != null;
    }

    /** "csv", "tsv" or "jsonl" by the file's extension (a trailing .gz aside), or null. */
    private static String tableFormat(Path path) {
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".gz")) {
            name = name.substring(0, name.length() - 3);
        }
        for (String extension : new String[] {"csv", "tsv", "jsonl", "ndjson"}) {
            if (name.endsWith("." + extension)) {
                return extension.equals("ndjson") ? "jsonl" : extension;
            }
        }
        return null;
    }

    /**
     * Reads {@code settings.data()} (and the validation and test data the line names), adapting
     * {@code encoder} on the training texts unless it has a vocabulary.
     */
    static OwnData read(TrainSettings settings, CommandLine line, TextVectorization encoder, ComputePool pool, PrintStream out)
            throws IOException, CommandLine.UsageException {
        Path validationData = line.path("validation-data", null);
        Path testData = line.path("test-data", null);
        if (validationData != null && line.has("validation-split")) {
            throw new CommandLine.UsageException("train: --validation-data and --validation-split exclude each other");
        }
        double split = validationSplit(line);
        Optional<TextVectorization.Adaptation> adaptation = encoder.isBuilt() ? Optional.empty()
                : Optional.of(encoder.adaptation(pool));
        OwnData data = Files.isDirectory(settings.data())
                ? fromFolder(settings, line, validationData, testData, split, adaptation, out)
                : fromTable(settings, line, validationData, testData, split, adaptation, out);
        if (adaptation.isPresent()) {
            long start = System.nanoTime();
            adaptation.get().finish();
            out.printf(Locale.ROOT, "Adapted TextVectorization(max_tokens=%s) on %,d training texts: vocabulary of %,d entries chosen"
                    + " in %.2f s%n", encoder.config().values().get("max_tokens"), adaptation.get().texts(), encoder.vocabularySize(),
                    (System.nanoTime() - start) / 1e9);
        } else {
            out.printf(Locale.ROOT, "TextVectorization keeps the vocabulary of %,d entries its config gives%n", encoder.vocabularySize());
        }
        return data;
    }

    private static double validationSplit(CommandLine line) throws CommandLine.UsageException {
        String value = line.string("validation-split", Double.toString(DEFAULT_VALIDATION_SPLIT));
        try {
            double split = Double.parseDouble(value);
            if (split > 0 && split < 1) {
                return split;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new CommandLine.UsageException("train: --validation-split expects a fraction between 0 and 1 (both excluded), got '"
                + value + "'");
    }

    private static OwnData fromFolder(TrainSettings settings, CommandLine line, Path validationData, Path testData, double split,
                                      Optional<TextVectorization.Adaptation> adaptation, PrintStream out)
            throws IOException, CommandLine.UsageException {
        for (String option : new String[] {"text-column", "label-column", "no-header"}) {
            if (line.has(option)) {
                throw new CommandLine.UsageException("train: --" + option + " is for a CSV, TSV or JSON Lines file; " + settings.data()
                        + " is a folder, whose class folders are the labels");
            }
        }
        if (settings.target().task() == Target.Task.REGRESSION) {
            throw new CommandLine.UsageException("train: --target regression needs numeric labels from a file's label column; the"
                    + " labels of a folder are its class folders' names");
        }
        DirectoryOptions.Builder options = DirectoryOptions.builder().seed(settings.seed());
        if (validationData == null) {
            options.validationSplit(split).subset(DirectoryOptions.Subset.BOTH);
        }
        TextFolder folder = TextFolder.textDatasetFromDirectory(settings.data(), options.build());
        TextFolder validating = validationData == null ? folder.validation().orElseThrow() : null;
        int files = folder.files().size() + (validating == null ? 0 : validating.files().size());
        out.printf(Locale.ROOT, "Found %d files belonging to %d classes.%n", files, folder.classNames().size());
        if (folder.classNames().size() < 2) {
            throw new TextSourceException(settings.data() + ": 1 class folder ('" + folder.classNames().getFirst() + "'); a classifier"
                    + " needs at least 2 classes: one subfolder of .txt files per class");
        }
        if (validating == null) {
            validating = classFolder(validationData, folder, "--validation-data", line);
        } else {
            out.printf(Locale.ROOT, "Using %d files for training.%nUsing %d files for validation.%n", folder.files().size(),
                    validating.files().size());
        }
        Target target = Target.classes(folder.classNames());
        printClasses(target, null, out);
        if (adaptation.isPresent()) {
            ReadProgress progress = ReadProgress.of(out, "Read and counted " + settings.data());
            folder.examples().forEach(example -> {
                adaptation.get().accept(example.text());
                progress.record();
            });
            long bytes = 0;
            for (LabeledFile file : folder.files()) {
                bytes += Files.size(file.path());
            }
            progress.done(bytes);
        }
        Optional<Dataset<TextExample>> test = testData == null ? Optional.empty()
                : Optional.of(classFolder(testData, folder, "--test-data", line).examples());
        return new OwnData(target, folder.examples(), validating.examples(), test);
    }

    /** Another folder with {@code train}'s classes. */
    private static TextFolder classFolder(Path path, TextFolder train, String option, CommandLine line)
            throws IOException, CommandLine.UsageException {
        if (!Files.isDirectory(path)) {
            throw new CommandLine.UsageException("train: " + option + " " + path + " must be a folder of class folders, as --data is");
        }
        return TextFolder.textDatasetFromDirectory(path, DirectoryOptions.builder().classNames(train.classNames()).build());
    }

    private static OwnData fromTable(TrainSettings settings, CommandLine line, Path validationData, Path testData, double split,
                                     Optional<TextVectorization.Adaptation> adaptation, PrintStream out)
            throws IOException, CommandLine.UsageException {
        boolean regression = settings.target().task() == Target.Task.REGRESSION;
        TableOptions options = tableOptions(line, regression);
        TextTable table = table(settings.data(), options, "--data");
        RecordSplit records = validationData == null ? new RecordSplit(settings.seed(), split) : null;
        long[] counts = new long[2]; // training, validation
        ReadProgress progress = ReadProgress.of(out, "Read and counted " + settings.data());
        Consumer<String> texts = text -> {
            progress.record();
            if (records != null && records.isValidation(progress.records() - 1)) {
                counts[1]++;
            } else {
                counts[0]++;
                adaptation.ifPresent(a -> a.accept(text));
            }
        };
        LabelSet labels = table.scan(texts);
        progress.done(Files.size(settings.data()));
        if (records != null && (counts[0] == 0 || counts[1] == 0)) {
            throw new TextSourceException(settings.data() + ": --validation-split " + split + " of " + labels.records() + " records"
                    + " leaves " + (counts[1] == 0 ? "no validation" : "no training") + " record");
        }
        Target target;
        if (regression) {
            target = Target.regression();
        } else {
            if (labels.classNames().size() < 2) {
                throw new TextSourceException(settings.data() + ": every label is '" + labels.classNames().getFirst()
                        + "'; a classifier needs at least 2 classes");
            }
            if (labels.classNames().stream().allMatch(OwnData::isNumber)
                    && !labels.classNames().stream().allMatch(name -> name.matches("[+-]?\\d+"))) {
                String fraction = labels.classNames().stream().filter(name -> !name.matches("[+-]?\\d+")).findFirst().orElseThrow();
                throw new TextSourceException(settings.data() + ": the labels are numbers, not all whole (e.g. '" + fraction + "');"
                        + " pass --target regression to learn them as values");
            }
            target = Target.classes(labels.classNames());
        }
        if (records != null) {
            out.printf(Locale.ROOT, "Using %,d records for training and %,d for validation (--validation-split %s, seed %d).%n",
                    counts[0], counts[1], split, settings.seed());
        }
        printClasses(target, labels, out);
        Dataset<TextExample> all = table.examples(labels);
        Dataset<TextExample> train = records == null ? all : records.part(all, false, counts[0]);
        Dataset<TextExample> validation = records == null ? table(validationData, options, "--validation-data").examples(labels)
                : records.part(all, true, counts[1]);
        Optional<Dataset<TextExample>> test = testData == null ? Optional.empty()
                : Optional.of(table(testData, options, "--test-data").examples(labels));
        return new OwnData(target, train, validation, test);
    }

    private static boolean isNumber(String name) {
        try {
            Double.parseDouble(name);
            return !name.isBlank();
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static TableOptions tableOptions(CommandLine line, boolean regression) throws CommandLine.UsageException {
        boolean header = !line.has("no-header");
        TableOptions.Builder options = TableOptions.builder().labelType(regression ? LabelType.NUMBERS : LabelType.CLASSES);
        String text = line.string("text-column", header ? TableOptions.DEFAULT_TEXT_COLUMN : "0");
        String label = line.string("label-column", header ? TableOptions.DEFAULT_LABEL_COLUMN : "1");
        for (String[] column : new String[][] {{"text-column", text}, {"label-column", label}}) {
            boolean number = column[1].matches("\\d+");
            if (!header && !number) {
                throw new CommandLine.UsageException("train: with --no-header, --" + column[0] + " is a 0-based column number, got '"
                        + column[1] + "'");
            }
        }
        if (text.matches("\\d+")) {
            options.textColumn(Integer.parseInt(text));
        } else {
            options.textColumn(text);
        }
        if (label.matches("\\d+")) {
            options.labelColumn(Integer.parseInt(label));
        } else {
            options.labelColumn(label);
        }
        if (!header) {
            options.header(false);
        }
        try {
            return options.build();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.UsageException("train: " + e.getMessage());
        }
    }

    private static TextTable table(Path path, TableOptions options, String option) throws IOException, CommandLine.UsageException {
        String format = tableFormat(path);
        if (format == null || Files.isDirectory(path)) {
            throw new CommandLine.UsageException("train: " + option + " " + path + " must be a .csv, .tsv, .jsonl or .ndjson file"
                    + " (optionally .gz), as --data is");
        }
        if (!Files.exists(path)) {
            throw new TextSourceException(path + ": no such file");
        }
        try {
            return switch (format) {
                case "csv" -> TextTable.csv(path, options);
                case "tsv" -> TextTable.tsv(path, options);
                default -> TextTable.jsonLines(path, options);
            };
        } catch (IllegalArgumentException e) {
            throw new CommandLine.UsageException("train: " + path + ": " + e.getMessage().replace("the header option", "--no-header"));
        }
    }

    private static void printClasses(Target target, LabelSet labels, PrintStream out) {
        if (target.task() == Target.Task.REGRESSION) {
            out.println("Task: regression on the numeric labels (mean squared error, MAE)");
            return;
        }
        String classes = IntStream.range(0, Math.min(MAX_CLASS_LIST, target.classNames().size()))
                .mapToObj(c -> "'" + target.classNames().get(c) + "'" + (labels == null ? ""
                        : String.format(Locale.ROOT, " (%,d)", labels.classCounts().get(c))))
                .collect(Collectors.joining(", ")) + (target.classNames().size() > MAX_CLASS_LIST ? ", ..." : "");
        out.printf(Locale.ROOT, "Task: %s over %d classes: %s%n", target.task() == Target.Task.BINARY ? "binary (one logit)"
                : "softmax", target.classNames().size(), classes);
    }

    /** What the model learns: from the labels. */
    Target target() {
        return target;
    }

    /** The training examples streamed, shuffled with (seed, epoch), batched, as targets: a new order every epoch. */
    Dataset<LabeledBatch> training(int batchSize, int shuffleBuffer, long seed) {
        return train.shuffle(shuffleBuffer, seed).batch(batchSize).map(this::toBatch).prefetch(2);
    }

    /** The validation part, in its order, batched. */
    Dataset<LabeledBatch> validation(int batchSize) {
        return validation.batch(batchSize).map(this::toBatch).prefetch(2);
    }

    /** The test data, batched, when --test-data gave some. */
    Optional<Dataset<LabeledBatch>> test(int batchSize) {
        return test.map(examples -> examples.batch(batchSize).map(this::toBatch).prefetch(2));
    }

    private LabeledBatch toBatch(java.util.List<TextExample> examples) {
        return TextExample.toBatch(examples, labelMode, target.task() == Target.Task.REGRESSION ? 0 : target.classNames().size());
    }
}
