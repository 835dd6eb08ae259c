package dev.kiln.engine.testing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What ApiDocumentation counts as API: a small module with one of each case. */
class ApiDocumentationRuleTest {
    @Test
    void findsUncommentedApiElementsOfExportedPackagesOnly(@TempDir Path sources) throws IOException {
        write(sources, "module-info.java", """
                module m {
                    exports api;
                    exports limited to other;
                }
                """);
        write(sources, "api/Shown.java", """
                package api;

                /** Commented. */
                public class Shown implements Runnable {
                    public Shown() {}
                    /** Commented. */
                    public int a() { return 0; }
                    protected int b() { return 0; }
                    int packagePrivate() { return 0; }
                    private int hidden() { return 0; }
                    @Override
                    public void run() {}
                    public static final int CONSTANT = 1;
                    public interface Nested {
                        void implicitlyPublic();
                    }
                    private static class Inside {
                        public void notApi() {}
                    }
                }
                """);
        write(sources, "api/Kind.java", """
                package api;

                /** Commented. */
                public enum Kind {
                    /** Commented. */
                    ONE,
                    TWO
                }
                """);
        write(sources, "api/Internal.java", """
                package api;

                class Internal {
                    public void notApi() {}
                }
                """);
        write(sources, "limited/Limited.java", """
                package limited;

                public class Limited {
                    public void notApi() {}
                }
                """);

        assertEquals(List.of("api/Kind.java:7", "api/Shown.java:5", "api/Shown.java:8", "api/Shown.java:13",
                "api/Shown.java:14", "api/Shown.java:15"), ApiDocumentation.uncommented(sources));
    }

    private static void write(Path sources, String file, String text) throws IOException {
        Path path = sources.resolve(file);
        Files.createDirectories(path.getParent());
        Files.writeString(path, text);
    }
}
