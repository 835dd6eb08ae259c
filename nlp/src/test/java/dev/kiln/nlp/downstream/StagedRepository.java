package dev.kiln.nlp.downstream;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A Maven local repository in a temporary folder, holding the Kiln artifacts this build made,
 * with a settings file under which Maven takes everything else from the user's local repository
 * (read as a file:// repository, so nothing is written to it) and, failing that, from Maven
 * Central. A downstream build run with these settings uses exactly these Kiln jars, whatever the
 * user's repository holds, and leaves no trace outside the folder.
 */
final class StagedRepository {
    private static final String GROUP_PATH = "dev/kiln";

    private final Path root;
    private final Path settings;

    private StagedRepository(Path root, Path settings) {
        this.root = root;
        this.settings = settings;
    }

    /** An empty repository at {@code folder}/repository with its settings at {@code folder}/settings.xml. */
    static StagedRepository create(Path folder, Path userRepository) throws IOException {
        Path root = Files.createDirectories(folder.resolve("repository"));
        Path settings = folder.resolve("settings.xml");
        Files.writeString(settings, settings(userRepository.toUri().toString()));
        return new StagedRepository(root, settings);
    }

    /** The local repository, for -Dmaven.repo.local. */
    Path root() {
        return root;
    }

    /** The settings file, for -s. */
    Path settings() {
        return settings;
    }

    /** Puts a dev.kiln pom (a parent, say) where Maven looks for it. */
    void installPom(String artifactId, String version, Path pom) throws IOException {
        Files.copy(pom, folder(artifactId, version).resolve(artifactId + "-" + version + ".pom"));
    }

    /** Puts a dev.kiln jar and its pom where Maven looks for them; returns the jar's place. */
    Path installJar(String artifactId, String version, Path jar, Path pom) throws IOException {
        installPom(artifactId, version, pom);
        return Files.copy(jar, folder(artifactId, version).resolve(artifactId + "-" + version + ".jar"));
    }

    private Path folder(String artifactId, String version) throws IOException {
        return Files.createDirectories(root.resolve(GROUP_PATH).resolve(artifactId).resolve(version));
    }

    /** A profile with the user's repository as a release repository; the local cache has no checksum files. */
    private static String settings(String userRepositoryUrl) {
        String repository = """
                    <id>user-cache</id>
                    <url>%s</url>
                    <releases><checksumPolicy>ignore</checksumPolicy></releases>
                    <snapshots><enabled>false</enabled></snapshots>
                """.formatted(userRepositoryUrl);
        return """
                <settings>
                  <profiles>
                    <profile>
                      <id>user-cache</id>
                      <repositories>
                        <repository>
                %s        </repository>
                      </repositories>
                      <pluginRepositories>
                        <pluginRepository>
                %s        </pluginRepository>
                      </pluginRepositories>
                    </profile>
                  </profiles>
                  <activeProfiles>
                    <activeProfile>user-cache</activeProfile>
                  </activeProfiles>
                </settings>
                """.formatted(repository.indent(8), repository.indent(8));
    }
}
