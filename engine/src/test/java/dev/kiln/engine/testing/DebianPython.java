package dev.kiln.engine.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Debian's {@code /usr/bin/python3}, which the cross-checks with h5py and NumPy run (Debian's
 * python3-h5py, python3-numpy). A test that needs them calls {@link #assumeH5pyAndNumpy}: an
 * interpreter without the modules (installed, say, for another package) skips the test instead of
 * failing it.
 */
public final class DebianPython {
    public static final Path PATH = Path.of("/usr/bin/python3");
    private static final Map<String, Boolean> IMPORTS = new ConcurrentHashMap<>();

    private DebianPython() {}

    /** Skips the calling test unless {@link #PATH} imports h5py and numpy, saying what to install. */
    public static void assumeH5pyAndNumpy() {
        assumeTrue(canImport("h5py", "numpy"), "needs " + PATH + " with h5py and numpy (Debian: python3-h5py)");
    }

    /** Whether {@link #PATH} exists and imports every one of {@code modules}; asked once per set. */
    static boolean canImport(String... modules) {
        return IMPORTS.computeIfAbsent(String.join(", ", modules), DebianPython::tryImport);
    }

    private static boolean tryImport(String modules) {
        if (!Files.isExecutable(PATH)) {
            return false;
        }
        try {
            Process process = new ProcessBuilder(PATH.toString(), "-c", "import " + modules)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                return false;
            }
            return process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
