package dev.kiln.nlp.imdb;

import dev.kiln.engine.testing.TempFolder;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImdbDatasetTest {
    /** A small archive: two train reviews, one test review, one unsup, plus files the reader must skip. */
    private static TestTar archive(TestTar.Style style) {
        String longPath = "some/very/long/leading/folder/name/that/pushes/the/path/past/one/hundred/characters/of/ustar/"
                + "aclImdb/train/neg/7_3.txt";
        return new TestTar(style)
                .directory("aclImdb/")
                .file("aclImdb/README", "readme")
                .file("aclImdb/train/labeledBow.feat", "0:1 1:2")
                .file("aclImdb/train/urls_pos.txt", "http://example")
                .file("aclImdb/train/pos/10_9.txt", "A great film. <br />Loved it.")
                .file(longPath, "Dull, dull, dull.")
                .file("aclImdb/test/pos/3_8.txt", "Fine — “really” fine.")
                .file("aclImdb/train/unsup/5_0.txt", "no label");
    }

    @Property(tries = 3)
    void readsEveryHeaderStyleFromGzipAndPlainTar(@ForAll TestTar.Style style) throws IOException {
        try (TempFolder folder = TempFolder.create("kiln-imdb")) {
            Path dir = folder.path();
            for (boolean gzip : new boolean[] {true, false}) {
                Path file = dir.resolve(gzip ? "imdb-" + style + ".tar.gz" : "imdb-" + style + ".tar");
                Files.write(file, gzip ? archive(style).tarGz() : archive(style).tar());
                ImdbDataset data = ImdbDataset.load(file);
                List<Review> train = data.split(ImdbDataset.Split.TRAIN);
                assertEquals(List.of(new Review("Dull, dull, dull.", 0, 7, 3), new Review("A great film. <br />Loved it.", 1, 10, 9)),
                        train, style + " " + (gzip ? "gz" : "tar"));
                assertEquals(List.of(new Review("Fine — “really” fine.", 1, 3, 8)), data.split(ImdbDataset.Split.TEST));
                var unsup = assertThrows(IllegalArgumentException.class, () -> data.split(ImdbDataset.Split.UNSUP));
                assertTrue(unsup.getMessage().contains("was not loaded"), unsup.getMessage());
                ImdbDataset withUnsup = ImdbDataset.load(file, EnumSet.allOf(ImdbDataset.Split.class));
                assertEquals(List.of(new Review("no label", -1, 5, 0)), withUnsup.split(ImdbDataset.Split.UNSUP));
            }
        }
    }

    @Test
    void readsAnExtractedFolder(@TempDir Path dir) throws IOException {
        Path pos = Files.createDirectories(dir.resolve("aclImdb/train/pos"));
        Files.writeString(pos.resolve("2_10.txt"), "Superb.");
        Files.writeString(pos.resolve("1_7.txt"), "Good.");
        Files.createDirectories(dir.resolve("aclImdb/test/neg"));
        Files.writeString(dir.resolve("aclImdb/test/neg/4_2.txt"), "Bad.");
        for (Path root : List.of(dir, dir.resolve("aclImdb"))) {
            ImdbDataset data = ImdbDataset.load(root);
            assertEquals(List.of(new Review("Good.", 1, 1, 7), new Review("Superb.", 1, 2, 10)), data.split(ImdbDataset.Split.TRAIN));
            assertEquals(1, data.split(ImdbDataset.Split.TEST).size());
        }
    }

    /** Cut anywhere, an archive fails with the reader's own message, never another exception or a partial result. */
    @Property(tries = 60)
    void aTruncatedArchiveIsReportedClearly(@ForAll TestTar.Style style, @ForAll @IntRange(min = 1, max = 99) int percent,
                                            @ForAll boolean gzip) throws IOException {
        try (TempFolder folder = TempFolder.create("kiln-imdb")) {
            Path dir = folder.path();
            byte[] whole = gzip ? archive(style).tarGz() : archive(style).tar();
            int cut = (int) ((long) whole.length * percent / 100);
            if (!gzip) {
                cut = Math.min(cut, whole.length - 1024 - 1); // inside the entries, not in the end marker
            }
            Path file = dir.resolve(gzip ? "cut.tar.gz" : "cut.tar");
            Files.write(file, Arrays.copyOf(whole, cut));
            IOException error = assertThrows(IOException.class, () -> ImdbDataset.load(file, EnumSet.allOf(ImdbDataset.Split.class)));
            String message = error.getMessage();
            assertTrue(message.contains(file.toString()), message);
            assertTrue(message.contains("truncated") || message.contains("no aclImdb") || message.contains("corrupt")
                    || message.contains("gzip"), message);
        }
    }

    @Test
    void aCorruptHeaderOrNonArchiveIsNamed(@TempDir Path dir) throws IOException {
        byte[] tar = archive(TestTar.Style.USTAR).tar();
        tar[512 * 3 + 10] ^= 0x20; // a name byte of the third header (after README's header and data)
        Path corrupt = dir.resolve("corrupt.tar");
        Files.write(corrupt, tar);
        IOException checksum = assertThrows(IOException.class, () -> ImdbDataset.load(corrupt));
        assertTrue(checksum.getMessage().contains("bad tar header checksum at offset 1536"), checksum.getMessage());

        Path text = dir.resolve("notes.tar.gz");
        Files.writeString(text, "just text");
        IOException notGzip = assertThrows(IOException.class, () -> ImdbDataset.load(text));
        assertTrue(notGzip.getMessage().contains("not a gzip file"), notGzip.getMessage());

        NoSuchFileException missing = assertThrows(NoSuchFileException.class, () -> ImdbDataset.load(dir.resolve("nope.tar.gz")));
        assertTrue(missing.getMessage().contains("aclImdb_v1.tar.gz"), missing.getMessage());

        Path empty = dir.resolve("other.tar");
        Files.write(empty, new TestTar(TestTar.Style.USTAR).file("readme.txt", "hello").tar());
        IOException notImdb = assertThrows(IOException.class, () -> ImdbDataset.load(empty));
        assertTrue(notImdb.getMessage().contains("is this the IMDB archive?"), notImdb.getMessage());
    }

    @Test
    void aPartialDatasetFailsTheFullDatasetCheck(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("small.tar.gz");
        Files.write(file, archive(TestTar.Style.PAX).tarGz());
        IOException counts = assertThrows(IOException.class, () -> ImdbDataset.load(file).requireFullDataset());
        assertTrue(counts.getMessage().contains("expected 12,500 positive and 12,500 negative reviews, found 1 and 1"),
                counts.getMessage());
    }
}
