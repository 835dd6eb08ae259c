package dev.kiln.nlp.imdb;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Downloads from a server on the loopback address only. */
class ImdbDownloadTest {
    private static final byte[] BODY = "pretend this is aclImdb_v1.tar.gz".repeat(5000).getBytes(StandardCharsets.UTF_8);
    private HttpServer server;
    private int requests;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/data/aclImdb_v1.tar.gz", exchange -> {
            requests++;
            exchange.sendResponseHeaders(200, BODY.length);
            exchange.getResponseBody().write(BODY);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/data/aclImdb_v1.tar.gz");
    }

    private static String sha(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    @Test
    void aVerifiedDownloadIsRenamedIntoPlaceAndReused(@TempDir Path cache) throws Exception {
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        Path file = ImdbDownload.fetch(uri(), BODY.length, sha(BODY), cache, new PrintStream(progress, true, StandardCharsets.UTF_8));
        assertArrayEquals(BODY, Files.readAllBytes(file));
        assertEquals(cache.resolve("aclImdb_v1.tar.gz"), file);
        assertTrue(progress.toString(StandardCharsets.UTF_8).contains("100%"), progress.toString(StandardCharsets.UTF_8));
        ImdbDownload.fetch(uri(), BODY.length, sha(BODY), cache, null);
        assertEquals(1, requests, "a verified file in the cache is not fetched again");
        try (var files = Files.list(cache)) {
            assertEquals(1, files.count(), "no temporary file is left behind");
        }
    }

    @Test
    void aMismatchKeepsThePreviousFileAndLeavesNoPartialOne(@TempDir Path cache) throws Exception {
        Path previous = cache.resolve("aclImdb_v1.tar.gz");
        Files.writeString(previous, "an older, different file");
        var error = assertThrows(IOException.class, () -> ImdbDownload.fetch(uri(), BODY.length, "0".repeat(64), cache, null));
        assertTrue(error.getMessage().contains("SHA-256") && error.getMessage().contains("expected " + "0".repeat(64)),
                error.getMessage());
        assertEquals("an older, different file", Files.readString(previous));
        try (var files = Files.list(cache)) {
            assertEquals(1, files.count());
        }
        var size = assertThrows(IOException.class, () -> ImdbDownload.fetch(uri(), 12, sha(BODY), cache, null));
        assertTrue(size.getMessage().contains("expected 12"), size.getMessage());
    }

    @Test
    void withoutANetworkTheMessageSaysWhereToPutTheArchive(@TempDir Path cache) throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        URI nowhere = URI.create("http://127.0.0.1:" + closedPort + "/aclImdb_v1.tar.gz");
        var error = assertThrows(IOException.class, () -> ImdbDownload.fetch(nowhere, 1, "0", cache, null));
        assertTrue(error.getMessage().contains("no network?") && error.getMessage().contains(cache.resolve("aclImdb_v1.tar.gz").toString()),
                error.getMessage());
    }
}
