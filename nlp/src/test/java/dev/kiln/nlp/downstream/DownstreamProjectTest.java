package dev.kiln.nlp.downstream;

import dev.kiln.engine.tensor.Tensor;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A user's Maven project (src/test/resources/downstream/first-model: a pom that depends on
 * kiln-engine, a module-info that requires dev.kiln.engine, and the README's program) is built
 * with Maven against the engine jar this build just packaged, then run on the module path, with
 * no flag, and on the class path, with the one flag the class path needs.
 */
class DownstreamProjectTest {
    private static final Path PROJECT = Path.of("src/test/resources/downstream/first-model");
    private static final Path PROGRAM = PROJECT.resolve("src/main/java/com/example/firstmodel/FirstModel.java");
    private static final String MAIN_CLASS = "com.example.firstmodel.FirstModel";
    private static final Pattern VERSION = Pattern.compile("kiln-engine-(.+)\\.jar");
    private static final Pattern LOGITS = Pattern.compile("logit of \\[3, 7, 2]: ([-+][0-9.]+), of \\[4, 5, 6, 1]: ([-+][0-9.]+)");
    private static final Pattern ACCURACY = Pattern.compile("val_accuracy: ([0-9.]+)");

    @Test
    void aUsersProjectBuildsAgainstTheEngineJarAndTrainsOnTheModulePath(@TempDir Path temp) throws Exception {
        Path mvn = Maven.executable().orElseGet(() -> Assumptions.abort(
                "skipped: no Maven found (neither -Dkiln.maven.home, which nlp/pom.xml passes, nor mvn on the PATH);"
                        + " this test builds a downstream project with Maven"));
        Path engineJar = packagedEngineJar();
        Matcher version = VERSION.matcher(engineJar.getFileName().toString());
        assertTrue(version.matches(), engineJar.toString());

        StagedRepository repository = StagedRepository.create(temp, Maven.userRepository());
        repository.installPom("kiln-parent", version.group(1), Path.of("../pom.xml"));
        Path engine = repository.installJar("kiln-engine", version.group(1), engineJar, Path.of("../engine/pom.xml"));
        Path project = copy(PROJECT, temp.resolve("first-model"));
        Map<String, String> sameJdk = Map.of("JAVA_HOME", System.getProperty("java.home"));

        Command.Result build = Command.run(project, Duration.ofMinutes(5), sameJdk, List.of(mvn.toString(), "-B", "-ntp",
                "-s", repository.settings().toString(), "-Dmaven.repo.local=" + repository.root(),
                "-Dkiln.version=" + version.group(1), "compile"));
        assertEquals(0, build.exitCode(), build.describe());

        String path = project.resolve("target/classes") + java.io.File.pathSeparator + engine;
        Command.Result modulePath = Command.run(project, Duration.ofMinutes(2), Map.of(),
                List.of(java(), "--module-path", path, "--module", "com.example.firstmodel/" + MAIN_CLASS));
        assertEquals(0, modulePath.exitCode(), modulePath.describe());
        String output = modulePath.stdout();
        assertTrue(output.contains("Total params: 1,697"), modulePath.describe());
        Matcher accuracy = ACCURACY.matcher(output);
        assertTrue(accuracy.find() && Double.parseDouble(accuracy.group(1)) >= 0.95, modulePath.describe());
        Matcher logits = LOGITS.matcher(output);
        assertTrue(logits.find() && Double.parseDouble(logits.group(1)) > 0 && Double.parseDouble(logits.group(2)) < 0,
                "the marker sequence should score positive, the other negative:\n" + modulePath.describe());

        Command.Result classPath = Command.run(project, Duration.ofMinutes(2), Map.of(),
                List.of(java(), "--add-modules", "jdk.incubator.vector", "--class-path", path, MAIN_CLASS));
        assertEquals(0, classPath.exitCode(), classPath.describe());
        assertEquals(output, classPath.stdout(), "the same seeds on the same machine give the same run on either path");
    }

    @Test
    void theReadmeShowsTheProjectsProgramAndModuleDeclaration() throws IOException {
        String readme = Files.readString(Path.of("../README.md"));
        for (Path source : List.of(PROGRAM, PROJECT.resolve("src/main/java/module-info.java"))) {
            assertTrue(readme.contains(Files.readString(source)),
                    "README.md's \"Use Kiln in your project\" should show " + source + " exactly as it is");
        }
    }

    /** The engine jar this reactor build packaged, which is on this test's class path; skips when it is a class folder. */
    private static Path packagedEngineJar() throws URISyntaxException {
        Path location = Path.of(Tensor.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Assumptions.assumeTrue(location.getFileName().toString().endsWith(".jar"),
                "skipped: kiln-engine is on the class path as " + location + ", not as a jar; this test needs the"
                        + " package phase (./run-tests, i.e. mvn verify)");
        return location;
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static Path copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            files.forEach(file -> {
                try {
                    Files.copy(file, to.resolve(from.relativize(file).toString()));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        return to;
    }
}
