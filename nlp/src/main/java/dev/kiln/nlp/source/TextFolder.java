package dev.kiln.nlp.source;

import dev.kiln.engine.data.Dataset;
import dev.kiln.engine.model.LabeledBatch;
import dev.kiln.engine.random.Rng;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Labelled texts from a folder with one subfolder per class, with the semantics of Keras'
 * {@code text_dataset_from_directory}:
 * <ul>
 * <li>The classes are the subfolders not starting with '.', in code point order (Python's
 * {@code sorted}), or the folders {@link DirectoryOptions#classNames()} names, in its order
 * (others are not read: IMDB's {@code train/} with {@code neg, pos} skips {@code unsup/}).</li>
 * <li>Every file whose name ends in {@code .txt} (any case) at any depth of a class folder is an
 * example of that class; other files are skipped. Within a class, files come in Keras' order:
 * by folder path, then by file name, each in code point order; the classes follow each other.
 * A link to a file is read. A link to a folder is not entered, nor counted as a class folder,
 * unless {@link DirectoryOptions#followLinks()} (Keras enters a class folder that is itself a
 * link, but no link below it); a link cycle is then an error.</li>
 * <li>With a {@link DirectoryOptions#seed()} the files are shuffled with it ({@link Rng#shuffle},
 * not NumPy's order); without one they stay in that sorted order. Shuffling each epoch is the
 * dataset's job ({@link Dataset#shuffle}).</li>
 * <li>{@link DirectoryOptions#validationSplit()}: the validation subset is the last
 * {@code floor(split * files)} files of that order, the training subset the files before them,
 * as Keras splits; a split that leaves the validation subset empty is an error.</li>
 * <li>Labels as {@link DirectoryOptions#labelMode()} says; binary needs exactly 2 classes.</li>
 * <li>Texts are UTF-8 (a leading byte-order mark is dropped, where Keras keeps its bytes); with
 * {@link DirectoryOptions#maxLength()} cut to that many code points, where Keras cuts bytes,
 * possibly inside a character; only the bytes kept are read. An empty file is an empty text, as
 * in Keras. A file read whole may have at most {@value #MAX_FILE_BYTES} bytes.</li>
 * </ul>
 * The files are listed when the folder is read; their texts are read as a dataset pass reaches
 * them ({@link #examples()}), or all at once ({@link #readAll()}).
 */
public final class TextFolder {
    /** The largest file read whole: 256 MiB (with a maximum length, files of any size are read up to it). */
    public static final long MAX_FILE_BYTES = 1L << 28;

    private final Path directory;
    private final List<String> classNames;
    private final LabelMode labelMode;
    private final List<LabeledFile> files;
    private final int maxLength;
    private final Decoding decoding;
    private final Optional<TextFolder> validation;

    private TextFolder(Path directory, List<String> classNames, LabelMode labelMode, List<LabeledFile> files, int maxLength,
                       Decoding decoding, Optional<TextFolder> validation) {
        this.directory = directory;
        this.classNames = List.copyOf(classNames);
        this.labelMode = labelMode;
        this.files = List.copyOf(files);
        this.maxLength = maxLength;
        this.decoding = decoding;
        this.validation = validation;
    }

    /**
     * Lists the text files of {@code directory}'s class folders, as Keras'
     * {@code text_dataset_from_directory(directory, ...)} does; with subset {@code BOTH} this is
     * the training part and {@link #validation()} the validation part. Refuses a missing folder,
     * a class name without its folder, binary labels without exactly 2 classes, and a folder
     * without .txt files, each with a message naming the folder.
     */
    public static TextFolder textDatasetFromDirectory(Path directory, DirectoryOptions options) throws IOException {
        String name = directory.toString();
        if (!Files.isDirectory(directory)) {
            throw new TextSourceException(name + ": " + (Files.exists(directory) ? "a file, where a folder is expected"
                    : "no such folder") + "; pass a folder with one subfolder of .txt files per class");
        }
        boolean followLinks = options.followLinks().orElse(false);
        List<String> classes = options.classNames().isPresent() ? options.classNames().get() : classFolders(directory, followLinks);
        if (classes.isEmpty()) {
            throw new TextSourceException(name + ": no class folders; pass a folder with one subfolder of .txt files per class");
        }
        LabelMode labelMode = options.labelMode().orElse(LabelMode.INT);
        if (labelMode == LabelMode.BINARY && classes.size() != 2) {
            throw new TextSourceException(name + ": label mode binary needs exactly 2 classes, found " + classes.size() + " ("
                    + Records.quoted(classes) + "); name two with classNames, or use label mode int or categorical");
        }
        List<LabeledFile> files = new ArrayList<>();
        for (int c = 0; c < classes.size(); c++) {
            Path folder = classFolder(directory, classes.get(c), followLinks);
            List<Found> found = new ArrayList<>();
            walk(folder, "", followLinks, new HashSet<>(Set.of(folder.toRealPath())), found);
            found.sort(Comparator.comparing(Found::folder, Records::compareCodePoints)
                    .thenComparing(Found::fileName, Records::compareCodePoints));
            for (Found file : found) {
                files.add(new LabeledFile(file.path(), c));
            }
        }
        if (files.isEmpty()) {
            throw new TextSourceException(name + ": no .txt files in the class folders (" + Records.quoted(classes)
                    + "); only files whose names end in .txt are read, as Keras does");
        }
        if (options.seed().isPresent()) {
            new Rng(options.seed().getAsLong()).shuffle(files);
        }
        int maxLength = options.maxLength().orElse(-1);
        Decoding decoding = options.decoding().orElse(Decoding.STRICT);
        if (options.validationSplit().isEmpty()) {
            return new TextFolder(directory, classes, labelMode, files, maxLength, decoding, Optional.empty());
        }
        double split = options.validationSplit().getAsDouble();
        int validationCount = (int) (split * files.size());
        if (validationCount == 0) {
            throw new TextSourceException(name + ": validationSplit " + split + " of " + files.size() + " files is less than"
                    + " one file; the validation subset would be empty");
        }
        List<LabeledFile> training = files.subList(0, files.size() - validationCount);
        List<LabeledFile> validating = files.subList(files.size() - validationCount, files.size());
        TextFolder validationPart = new TextFolder(directory, classes, labelMode, validating, maxLength, decoding, Optional.empty());
        return switch (options.subset().orElseThrow()) {
            case TRAINING -> new TextFolder(directory, classes, labelMode, training, maxLength, decoding, Optional.empty());
            case VALIDATION -> validationPart;
            case BOTH -> new TextFolder(directory, classes, labelMode, training, maxLength, decoding, Optional.of(validationPart));
        };
    }

    /** The folder read. */
    public Path directory() {
        return directory;
    }

    /** The class names in class-index order. */
    public List<String> classNames() {
        return classNames;
    }

    /** How {@link #toBatch} encodes the labels. */
    public LabelMode labelMode() {
        return labelMode;
    }

    /** The text files of this dataset with their class indices, in reading order. */
    public List<LabeledFile> files() {
        return files;
    }

    /** With subset {@code BOTH}, the validation part (this being the training part); otherwise empty. */
    public Optional<TextFolder> validation() {
        return validation;
    }

    /**
     * The examples, one per file in {@link #files()} order, each file read as a pass reaches it; a
     * read error ends the pass with an {@link java.io.UncheckedIOException} naming the file.
     */
    public Dataset<TextExample> examples() {
        return new ReadingDataset<>(files.size(), () -> {
            Iterator<LabeledFile> next = files.iterator();
            return () -> next.hasNext() ? example(next.next()) : null;
        });
    }

    /** Every example, read now: a file that cannot be read fails here, before any training. */
    public List<TextExample> readAll() throws IOException {
        List<TextExample> examples = new ArrayList<>(files.size());
        for (LabeledFile file : files) {
            examples.add(example(file));
        }
        return examples;
    }

    /** The examples as a model's batch, their labels encoded with this folder's label mode and classes. */
    public LabeledBatch toBatch(List<TextExample> examples) {
        return TextExample.toBatch(examples, labelMode, classNames.size());
    }

    private TextExample example(LabeledFile file) throws IOException {
        String name = file.path().toString();
        if (maxLength < 0 && Files.size(file.path()) > MAX_FILE_BYTES) {
            throw new TextSourceException(name + ": " + Records.grouped(Files.size(file.path()))
                    + " bytes, more than a text read whole may have (" + Records.grouped(MAX_FILE_BYTES)
                    + "); set maxLength to read the start of each text");
        }
        try (Utf8Input in = Utf8Input.open(file.path(), name, decoding, false)) {
            return new TextExample(in.readText(maxLength), new Label.Category(file.classIndex()));
        }
    }

    /** A file found in a class folder: its folder relative to the class folder ("" at the top) and its name. */
    private record Found(Path path, String folder, String fileName) {}

    /** The subfolders of {@code directory} not starting with '.', in code point order; links to folders only when following. */
    private static List<String> classFolders(Path directory, boolean followLinks) throws IOException {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (!name.startsWith(".") && isFolder(entry, followLinks)) {
                    names.add(name);
                }
            }
        }
        names.sort(Records::compareCodePoints);
        return names;
    }

    private static Path classFolder(Path directory, String className, boolean followLinks) throws IOException {
        Path folder = directory.resolve(className);
        if (!Files.exists(folder, LinkOption.NOFOLLOW_LINKS)) {
            List<String> present = classFolders(directory, followLinks);
            throw new TextSourceException(directory + ": no class folder '" + className + "'; the class folders here are "
                    + (present.isEmpty() ? "none" : Records.quoted(present)));
        }
        if (!Files.isDirectory(folder)) {
            throw new TextSourceException(folder + ": a file, where the folder of class '" + className + "' is expected");
        }
        if (!followLinks && Files.isSymbolicLink(folder)) {
            throw new TextSourceException(folder + ": a link to a folder, which is not followed; read with followLinks(true)"
                    + " to use it as the folder of class '" + className + "'");
        }
        return folder;
    }

    private static void walk(Path folder, String relative, boolean followLinks, Set<Path> ancestors, List<Found> found)
            throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                String inner = relative.isEmpty() ? name : relative + "/" + name;
                if (isFolder(entry, followLinks)) {
                    Path real = entry.toRealPath();
                    if (!ancestors.add(real)) {
                        throw new TextSourceException(entry + ": a link to a folder that contains it (a cycle); remove the"
                                + " link, or read without followLinks");
                    }
                    walk(entry, inner, followLinks, ancestors, found);
                    ancestors.remove(real);
                } else if (!Files.isDirectory(entry) && name.toLowerCase(Locale.ROOT).endsWith(".txt")) {
                    found.add(new Found(entry, relative, name));
                }
            }
        }
    }

    /** A folder to enter: a real one, or a link to one when following links. */
    private static boolean isFolder(Path entry, boolean followLinks) {
        return Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS) || followLinks && Files.isDirectory(entry);
    }
}
