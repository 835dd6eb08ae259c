package dev.kiln.engine.testing;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.DocumentationTool;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The part of doclint the javadoc build leaves out: a comment on every public and protected type
 * and member of a module's exported packages. The build runs doclint without its "missing" group,
 * which would also demand an {@code @param} and {@code @return} on every member; this runs javadoc
 * with that group and keeps only its "no comment" findings, so the rule is javadoc's own (exported
 * packages only, overriding methods inherit their comment).
 */
public final class ApiDocumentation {
    private static final String NO_COMMENT = "no comment";

    private ApiDocumentation() {}

    /**
     * Runs javadoc over the module {@code module} whose sources are under {@code sources}, with
     * the modules holding {@code dependencies} on the module path, and returns one line per
     * element without a comment ("dev/kiln/.../File.java:line"), sorted; empty when there is none.
     * Fails when javadoc reports an error.
     */
    public static List<String> uncommented(Path sources, String module, Class<?>... dependencies) {
        DocumentationTool javadoc = ToolProvider.getSystemDocumentationTool();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        Path output = temporaryFolder();
        try (StandardJavaFileManager files = javadoc.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
            List<String> options = new ArrayList<>(List.of("-quiet", "-Xdoclint:missing", "-Xmaxwarns", "100000",
                    "-d", output.toString(), "--source-path", sources.toString(), "--module", module));
            if (dependencies.length > 0) {
                options.addAll(List.of("--module-path", modulePath(dependencies)));
            }
            javadoc.getTask(null, files, diagnostics, null, options, null).call();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            delete(output);
        }
        List<String> errors = new ArrayList<>();
        List<String> uncommented = new ArrayList<>();
        for (Diagnostic<? extends JavaFileObject> diagnostic : diagnostics.getDiagnostics()) {
            String message = diagnostic.getMessage(Locale.ROOT);
            if (diagnostic.getKind() == Diagnostic.Kind.ERROR) {
                errors.add(where(diagnostic, sources) + ": " + message);
            } else if (message.equals(NO_COMMENT)) {
                uncommented.add(where(diagnostic, sources));
            }
        }
        if (!errors.isEmpty()) {
            throw new IllegalStateException("javadoc failed on " + module + ":\n" + String.join("\n", errors));
        }
        return uncommented.stream().sorted(Comparator.comparing(ApiDocumentation::file)
                .thenComparingInt(ApiDocumentation::line)).toList();
    }

    private static String where(Diagnostic<? extends JavaFileObject> diagnostic, Path sources) {
        if (diagnostic.getSource() == null) {
            return "(no file)";
        }
        Path file = Path.of(diagnostic.getSource().toUri());
        Path shown = file.startsWith(sources.toAbsolutePath()) ? sources.toAbsolutePath().relativize(file) : file;
        return shown + ":" + diagnostic.getLineNumber();
    }

    private static String file(String where) {
        return where.substring(0, where.lastIndexOf(':'));
    }

    private static int line(String where) {
        return Integer.parseInt(where.substring(where.lastIndexOf(':') + 1));
    }

    /** The jars (or class folders) the dependencies were loaded from. */
    private static String modulePath(Class<?>... dependencies) {
        List<String> entries = new ArrayList<>();
        for (Class<?> dependency : dependencies) {
            try {
                entries.add(Path.of(dependency.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
            } catch (URISyntaxException e) {
                throw new IllegalStateException("cannot locate the classes of " + dependency, e);
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    private static Path temporaryFolder() {
        try {
            return Files.createTempDirectory("kiln-apidoc");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void delete(Path folder) {
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
