package dev.kiln.nlp.source;

import dev.kiln.engine.data.Dataset;
import dev.kiln.engine.data.DatasetIterator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertThrows;

/** What the source tests share: files written byte for byte, one pass read to a list, the message a pass fails with. */
final class Examples {
    private Examples() {}

    static Path write(Path folder, String name, String text) throws IOException {
        return write(folder, name, text.getBytes(StandardCharsets.UTF_8));
    }

    static Path write(Path folder, String name, byte[] bytes) throws IOException {
        Path file = folder.resolve(name);
        Files.createDirectories(file.getParent());
        return Files.write(file, bytes);
    }

    static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
            zip.write(bytes);
        }
        return out.toByteArray();
    }

    /** One whole pass. */
    static <T> List<T> all(Dataset<T> dataset) {
        List<T> elements = new ArrayList<>();
        try (DatasetIterator<T> pass = dataset.iterator()) {
            pass.forEachRemaining(elements::add);
        }
        return elements;
    }

    /** The message of the error that ends a pass. */
    static String passError(Dataset<?> dataset) {
        return assertThrows(UncheckedIOException.class, () -> all(dataset)).getMessage();
    }

    static TextExample example(String text, int classIndex) {
        return new TextExample(text, new Label.Category(classIndex));
    }

    static TextExample example(String text, double value) {
        return new TextExample(text, new Label.Value(value));
    }
}
