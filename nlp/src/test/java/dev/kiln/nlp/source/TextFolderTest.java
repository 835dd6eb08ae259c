package dev.kiln.nlp.source;

import dev.kiln.engine.model.LabeledBatch;
import dev.kiln.engine.random.Rng;
import dev.kiln.nlp.Texts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

import static dev.kiln.nlp.source.Examples.all;
import static dev.kiln.nlp.source.Examples.example;
import static dev.kiln.nlp.source.Examples.passError;
import static dev.kiln.nlp.source.Examples.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TextFolderTest {
    private static final String UTF8_HINT = "; save the file as UTF-8, or read it with Decoding.REPLACE to get U+FFFD in place of"
            + " such bytes";

    @TempDir
    Path dir;

    /** IMDB's layout: train/{neg,pos,unsup}, plus a hidden folder, a nested folder and files that are not .txt. */
    private Path imdbLike() throws IOException {
        Path train = dir.resolve("train");
        write(train, "neg/1_2.txt", "bad");
        write(train, "neg/0_3.txt", "worse");
        write(train, "pos/2_9.txt", "good");
        write(train, "pos/LOUD.TXT", "loud");
        write(train, "pos/sub/5_8.txt", "nested");
        write(train, "pos/notes.md", "not a review");
        write(train, "unsup/3_0.txt", "no label");
        write(train, ".cache/x.txt", "hidden");
        write(train, "urls.txt", "not in a class folder");
        return train;
    }

    @Test
    void classesAreTheSortedSubfoldersAndFilesComeInKerasOrder() throws IOException {
        TextFolder folder = TextFolder.textDatasetFromDirectory(imdbLike(), DirectoryOptions.defaults());
        assertEquals(List.of("neg", "pos", "unsup"), folder.classNames());
        assertEquals(List.of(example("worse", 0), example("bad", 0), example("good", 1), example("loud", 1), example("nested", 1),
                example("no label", 2)), folder.readAll());
        assertEquals(folder.readAll(), all(folder.examples()));
        assertEquals(6, folder.examples().cardinality());
        assertEquals(LabelMode.INT, folder.labelMode());
    }

    @Test
    void classNamesChooseTheFoldersAndTheirOrder() throws IOException {
        DirectoryOptions options = DirectoryOptions.builder().classNames("pos", "neg").labelMode(LabelMode.BINARY).build();
        TextFolder folder = TextFolder.textDatasetFromDirectory(imdbLike(), options);
        assertEquals(List.of("pos", "neg"), folder.classNames());
        assertEquals(List.of(example("good", 0), example("loud", 0), example("nested", 0), example("worse", 1), example("bad", 1)),
                folder.readAll()); // unsup/ is not read
    }

    /** Keras sorts by folder path, then file name: "a", "a b", "a/x" (a space sorts before '/'), not depth first. */
    @Test
    void nestedFoldersSortByTheirPath() throws IOException {
        write(dir, "c/k/a/1.txt", "1");
        write(dir, "c/k/a/x/3.txt", "3");
        write(dir, "c/k/a b/2.txt", "2");
        write(dir, "c/k/0.txt", "0");
        assertEquals(List.of("0", "1", "2", "3"), TextFolder.textDatasetFromDirectory(dir.resolve("c"), DirectoryOptions.defaults())
                .readAll().stream().map(TextExample::text).toList());
    }

    @Test
    void oneClassFolderIsOneClass() throws IOException {
        write(dir, "one/only/a.txt", "alone");
        TextFolder folder = TextFolder.textDatasetFromDirectory(dir.resolve("one"), DirectoryOptions.defaults());
        assertEquals(List.of("only"), folder.classNames());
        assertEquals(List.of(example("alone", 0)), folder.readAll());
        assertEquals(dir.resolve("one") + ": label mode binary needs exactly 2 classes, found 1 ('only'); name two with"
                + " classNames, or use label mode int or categorical", error(dir.resolve("one"),
                DirectoryOptions.builder().labelMode(LabelMode.BINARY).build()));
    }

    @Test
    void missingFoldersAndFilesAreNamed() throws IOException {
        Path train = imdbLike();
        assertEquals(train + ": no class folder 'positive'; the class folders here are 'neg', 'pos', 'unsup'",
                error(train, DirectoryOptions.builder().classNames("neg", "positive").build()));
        assertEquals(train.resolve("urls.txt") + ": a file, where the folder of class 'urls.txt' is expected",
                error(train, DirectoryOptions.builder().classNames("urls.txt").build()));
        assertEquals(dir.resolve("nothing") + ": no such folder; pass a folder with one subfolder of .txt files per class",
                error(dir.resolve("nothing"), DirectoryOptions.defaults()));
        assertEquals(train.resolve("urls.txt") + ": a file, where a folder is expected; pass a folder with one subfolder of"
                + " .txt files per class", error(train.resolve("urls.txt"), DirectoryOptions.defaults()));
        write(dir, "flat/a.txt", "no class folder");
        assertEquals(dir.resolve("flat") + ": no class folders; pass a folder with one subfolder of .txt files per class",
                error(dir.resolve("flat"), DirectoryOptions.defaults()));
        write(dir, "md/a/readme.md", "#");
        Files.createDirectories(dir.resolve("md/b"));
        assertEquals(dir.resolve("md") + ": no .txt files in the class folders ('a', 'b'); only files whose names end in .txt"
                + " are read, as Keras does", error(dir.resolve("md"), DirectoryOptions.defaults()));
    }

    @Test
    void textsAreUtf8WithoutBomAndAnEmptyFileIsAnEmptyText() throws IOException {
        write(dir, "t/a/empty.txt", new byte[0]);
        write(dir, "t/a/bom.txt", "\uFEFFwith a BOM");
        Path latin1 = write(dir, "t/b/latin1.txt", "café".getBytes(StandardCharsets.ISO_8859_1));
        TextFolder strict = TextFolder.textDatasetFromDirectory(dir.resolve("t"), DirectoryOptions.defaults());
        String message = latin1 + ": line 1: not UTF-8 at byte offset 3 (0xE9, then the end of the file)" + UTF8_HINT;
        assertEquals(message, assertThrows(TextSourceException.class, strict::readAll).getMessage());
        assertEquals(message, passError(strict.examples()));
        TextFolder replaced = TextFolder.textDatasetFromDirectory(dir.resolve("t"),
                DirectoryOptions.builder().decoding(Decoding.REPLACE).build());
        assertEquals(List.of(example("with a BOM", 0), example("", 0), example("caf\uFFFD", 1)), replaced.readAll());
    }

    @Test
    void maxLengthKeepsTheFirstCodePoints() throws IOException {
        write(dir, "m/a/long.txt", "😀😀😀😀 and more");
        write(dir, "m/a/short.txt", "ab");
        TextFolder folder = TextFolder.textDatasetFromDirectory(dir.resolve("m"), DirectoryOptions.builder().maxLength(3).build());
        assertEquals(List.of(example("😀😀😀", 0), example("ab", 0)), folder.readAll());
    }

    @Test
    void linksToFoldersAreFollowedOnlyWhenAsked() throws IOException {
        Path root = dir.resolve("root");
        write(root, "neg/a.txt", "a");
        write(root, "pos/b.txt", "b");
        write(dir, "elsewhere/c.txt", "c");
        write(dir, "inner/d.txt", "d");
        Files.createSymbolicLink(root.resolve("linked"), dir.resolve("elsewhere"));
        Files.createSymbolicLink(root.resolve("pos/inner"), dir.resolve("inner"));
        Files.createSymbolicLink(root.resolve("pos/file-link.txt"), dir.resolve("elsewhere/c.txt"));

        TextFolder plain = TextFolder.textDatasetFromDirectory(root, DirectoryOptions.defaults());
        assertEquals(List.of("neg", "pos"), plain.classNames());
        assertEquals(List.of(example("a", 0), example("b", 1), example("c", 1)), plain.readAll()); // a link to a file is read
        assertEquals(root.resolve("linked") + ": a link to a folder, which is not followed; read with followLinks(true) to use"
                + " it as the folder of class 'linked'", error(root, DirectoryOptions.builder().classNames("linked").build()));

        TextFolder followed = TextFolder.textDatasetFromDirectory(root, DirectoryOptions.builder().followLinks(true).build());
        assertEquals(List.of("linked", "neg", "pos"), followed.classNames());
        assertEquals(List.of(example("c", 0), example("a", 1), example("b", 2), example("c", 2), example("d", 2)), followed.readAll());

        Files.createSymbolicLink(root.resolve("pos/inner/loop"), root.resolve("pos"));
        assertEquals(root.resolve("pos/inner/loop") + ": a link to a folder that contains it (a cycle); remove the link, or read"
                + " without followLinks", error(root, DirectoryOptions.builder().followLinks(true).build()));
    }

    @Test
    void aSeededSplitIsDisjointCompleteAndReproducible() throws IOException {
        for (int i = 0; i < 10; i++) {
            write(dir, "s/" + (i % 2 == 0 ? "even" : "odd") + "/" + i + ".txt", "text " + i);
        }
        Path folder = dir.resolve("s");
        List<LabeledFile> sorted = TextFolder.textDatasetFromDirectory(folder, DirectoryOptions.defaults()).files();
        List<LabeledFile> shuffled = new Rng(42).shuffle(new ArrayList<>(sorted));
        assertEquals(shuffled, TextFolder.textDatasetFromDirectory(folder, DirectoryOptions.builder().seed(42).build()).files());

        TextFolder both = TextFolder.textDatasetFromDirectory(folder, split(DirectoryOptions.Subset.BOTH, 42));
        TextFolder validation = both.validation().orElseThrow();
        assertEquals(shuffled.subList(0, 8), both.files());
        assertEquals(shuffled.subList(8, 10), validation.files()); // the last floor(0.2 * 10) files, as Keras
        assertEquals(both.files(), TextFolder.textDatasetFromDirectory(folder, split(DirectoryOptions.Subset.TRAINING, 42)).files());
        assertEquals(validation.files(),
                TextFolder.textDatasetFromDirectory(folder, split(DirectoryOptions.Subset.VALIDATION, 42)).files());
        assertTrue(TextFolder.textDatasetFromDirectory(folder, split(DirectoryOptions.Subset.TRAINING, 42)).validation().isEmpty());
        assertEquals(new HashSet<>(sorted), new HashSet<>(both.files()) {{
            addAll(validation.files());
        }});
        assertEquals(List.of("even", "odd"), validation.classNames());
        List<LabeledFile> otherSeed = TextFolder.textDatasetFromDirectory(folder, split(DirectoryOptions.Subset.VALIDATION, 7)).files();
        assertEquals(2, otherSeed.size());
        assertTrue(!otherSeed.equals(validation.files()), "another seed, another split");

        write(dir, "few/a/1.txt", "1");
        write(dir, "few/a/2.txt", "2");
        write(dir, "few/b/3.txt", "3");
        assertEquals(dir.resolve("few") + ": validationSplit 0.2 of 3 files is less than one file; the validation subset would"
                + " be empty", error(dir.resolve("few"), split(DirectoryOptions.Subset.TRAINING, 1)));
    }

    @Test
    void batchesEncodeTheLabelsAsTheLabelModeSays() throws IOException {
        write(dir, "b/a/1.txt", "one");
        write(dir, "b/b/2.txt", "two");
        write(dir, "b/c/3.txt", "three");
        TextFolder categorical = TextFolder.textDatasetFromDirectory(dir.resolve("b"),
                DirectoryOptions.builder().labelMode(LabelMode.CATEGORICAL).build());
        LabeledBatch batch = categorical.toBatch(categorical.readAll());
        assertEquals(new Texts(List.of("one", "two", "three")), batch.inputs());
        assertEquals(3, batch.targetWidth());
        assertArrayEquals(new float[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, batch.targets());
        TextFolder ints = TextFolder.textDatasetFromDirectory(dir.resolve("b"), DirectoryOptions.defaults());
        assertArrayEquals(new float[] {0, 1, 2}, ints.toBatch(ints.readAll()).targets());
        LabeledBatch values = TextExample.toBatch(List.of(example("x", 2.5), example("y", -1.0)), LabelMode.INT, 0);
        assertArrayEquals(new float[] {2.5f, -1f}, values.targets());
        assertEquals("a numeric label (2.5) has no class to encode with label mode categorical; numbers need label mode int",
                assertThrows(IllegalArgumentException.class, () -> TextExample.toBatch(List.of(example("x", 2.5)),
                        LabelMode.CATEGORICAL, 3)).getMessage());
    }

    @Test
    void optionsAreCheckedAsKerasChecksItsArguments() {
        assertOptionError("validationSplit must be between 0 and 1 (both excluded), got 1.0",
                () -> DirectoryOptions.builder().validationSplit(1.0).subset(DirectoryOptions.Subset.BOTH).seed(1).build());
        assertOptionError("validationSplit and subset go together: set both or neither (got subset training without a"
                + " validationSplit)", () -> DirectoryOptions.builder().subset(DirectoryOptions.Subset.TRAINING).build());
        assertOptionError("validationSplit and subset go together: set both or neither (got validationSplit 0.2 without a"
                + " subset)", () -> DirectoryOptions.builder().validationSplit(0.2).build());
        assertOptionError("validationSplit needs a seed: the files are shuffled with it before the split, so a training and a"
                + " validation read with the same seed get disjoint files",
                () -> DirectoryOptions.builder().validationSplit(0.2).subset(DirectoryOptions.Subset.BOTH).build());
        assertOptionError("classNames names a folder twice: [a, a]", () -> DirectoryOptions.builder().classNames("a", "a").build());
        assertOptionError("label mode binary needs exactly 2 classes, got classNames [a, b, c]",
                () -> DirectoryOptions.builder().classNames("a", "b", "c").labelMode(LabelMode.BINARY).build());
        assertOptionError("label_mode must be \"int\", \"categorical\" or \"binary\", got \"sparse\"",
                () -> LabelMode.fromKerasName("sparse"));
        assertEquals(LabelMode.CATEGORICAL, LabelMode.fromKerasName("categorical"));
    }

    private static DirectoryOptions split(DirectoryOptions.Subset subset, long seed) {
        return DirectoryOptions.builder().validationSplit(0.2).subset(subset).seed(seed).build();
    }

    private static String error(Path folder, DirectoryOptions options) {
        return assertThrows(TextSourceException.class, () -> TextFolder.textDatasetFromDirectory(folder, options)).getMessage();
    }

    private static void assertOptionError(String message, org.junit.jupiter.api.function.Executable build) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, build).getMessage());
    }
}
