package dev.kiln.engine.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the project's read-only shared folder ({@code ../shared} beside the repository). */
public final class SharedFiles {
    private SharedFiles() {}

    /** {@code shared/<relative>}, searched upwards from the working directory; fails clearly if absent. */
    public static Path path(String relative) {
        Path start = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared").resolve(relative);
            if (Files.exists(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("shared/" + relative + " not found above " + start
                + "; the tests expect the project's shared folder beside the repository (../shared)");
    }
}
