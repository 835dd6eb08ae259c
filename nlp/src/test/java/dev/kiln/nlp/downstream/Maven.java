package dev.kiln.nlp.downstream;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The Maven that runs this build, as surefire passes it on (kiln.maven.home, kiln.maven.repository;
 * see nlp/pom.xml), or else the {@code mvn} on the PATH and the default local repository.
 */
final class Maven {
    private Maven() {}

    /** The mvn launcher, if there is one. */
    static Optional<Path> executable() {
        String home = System.getProperty("kiln.maven.home", "");
        if (!home.isEmpty() && !home.startsWith("${")) {
            Path launcher = Path.of(home, "bin", "mvn");
            if (Files.isExecutable(launcher)) {
                return Optional.of(launcher);
            }
        }
        for (String folder : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path launcher = Path.of(folder.isEmpty() ? "." : folder, "mvn");
            if (Files.isExecutable(launcher)) {
                return Optional.of(launcher);
            }
        }
        return Optional.empty();
    }

    /** The user's local repository (Maven's cache of downloaded artifacts). */
    static Path userRepository() {
        String configured = System.getProperty("kiln.maven.repository", "");
        if (!configured.isEmpty() && !configured.startsWith("${")) {
            return Path.of(configured);
        }
        return Path.of(System.getProperty("user.home"), ".m2", "repository");
    }
}
