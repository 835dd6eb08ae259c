package dev.kiln.engine.testing;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * A temporary folder for tests that cannot use JUnit's {@code @TempDir} (jqwik properties, folders
 * made once per class): closing it deletes it with everything in it, so
 * {@code try (TempFolder folder = TempFolder.create("kiln-x")) { ... }} leaves nothing behind
 * however the test ends, and a failure to delete never hides the test's own failure.
 */
public final class TempFolder implements AutoCloseable {
    private final Path path;

    private TempFolder(Path path) {
        this.path = path;
    }

    /** A new empty folder in the system's temporary folder, its name starting with {@code prefix}. */
    public static TempFolder create(String prefix) throws IOException {
        return new TempFolder(Files.createTempDirectory(prefix));
    }

    /** The folder. */
    public Path path() {
        return path;
    }

    /** Deletes the folder and everything in it. */
    @Override
    public void close() throws IOException {
        deleteRecursively(path);
    }

    /** Deletes {@code root} and, if it is a folder, everything in it; symbolic links are deleted, not followed. Absent: nothing. */
    public static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException error) throws IOException {
                if (error != null) {
                    throw error;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
