package dev.kiln.nlp.imdb;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Fetches the IMDB archive into a cache folder: written to a temporary file beside the target,
 * checked against the published size and SHA-256, and only then renamed into place (atomically),
 * so a failed or interrupted download never leaves a file that looks complete. A file already
 * in the cache that verifies is used as it is.
 */
public final class ImdbDownload {
    /** The official archive, as published by the dataset's authors. */
    public static final URI OFFICIAL_URI = URI.create("http://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz");
    /** The official archive's size in bytes. */
    public static final long OFFICIAL_SIZE = 84_125_825L;
    /** The official archive's SHA-256, which a cached or downloaded file must match. */
    public static final String OFFICIAL_SHA256 = "c40f74a18d3b61f90feba1e17730e0d38e8b97c05fde7008942e91923d1658fe";

    private ImdbDownload() {}

    /** The official archive in {@code cacheDir}, downloading it if needed. */
    public static Path official(Path cacheDir, PrintStream progress) throws IOException {
        return fetch(OFFICIAL_URI, OFFICIAL_SIZE, OFFICIAL_SHA256, cacheDir, progress);
    }

    /** {@code uri} as {@code cacheDir/<file name>}, verified against {@code size} and {@code sha256}. */
    public static Path fetch(URI uri, long size, String sha256, Path cacheDir, PrintStream progress) throws IOException {
        String name = Path.of(uri.getPath()).getFileName().toString();
        Path target = cacheDir.resolve(name);
        if (Files.isRegularFile(target) && Files.size(target) == size && sha256(target).equals(sha256)) {
            return target;
        }
        Files.createDirectories(cacheDir);
        Path partial = Files.createTempFile(cacheDir, "." + name + ".", ".part");
        try {
            download(uri, size, partial, target, progress);
            long actualSize = Files.size(partial);
            if (actualSize != size) {
                throw new IOException("download of " + uri + " has " + actualSize + " bytes, expected " + size);
            }
            String actualSha = sha256(partial);
            if (!actualSha.equals(sha256)) {
                throw new IOException("download of " + uri + " has SHA-256 " + actualSha + ", expected " + sha256);
            }
            try {
                Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
            }
            return target;
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    private static void download(URI uri, long size, Path partial, Path target, PrintStream progress) throws IOException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(20))
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(30)).GET().build();
        HttpResponse<InputStream> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (ConnectException | UnknownHostException | HttpConnectTimeoutException e) {
            throw new IOException("could not download " + uri + " (" + e.getClass().getSimpleName()
                    + "; no network?). Put the archive at " + target + " yourself, or pass its path with --data", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("download of " + uri + " interrupted", e);
        }
        if (response.statusCode() != 200) {
            response.body().close();
            throw new IOException("download of " + uri + " failed: HTTP " + response.statusCode()
                    + ". Put the archive at " + target + " yourself, or pass its path with --data");
        }
        try (InputStream in = response.body(); OutputStream out = Files.newOutputStream(partial)) {
            byte[] buffer = new byte[1 << 16];
            long done = 0;
            int lastPercent = -1;
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                done += n;
                int percent = size > 0 ? (int) Math.min(100, done * 100 / size) : 0;
                if (progress != null && percent != lastPercent) {
                    lastPercent = percent;
                    progress.printf(Locale.ROOT, "\rDownloading %s %3d%% (%.1f of %.1f MB)", uri.getPath()
                            .substring(uri.getPath().lastIndexOf('/') + 1), percent, done / 1e6, size / 1e6);
                }
            }
            if (progress != null) {
                progress.println();
            }
        }
    }

    static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
