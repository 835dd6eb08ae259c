package dev.kiln.nlp.source;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class Utf8InputTest {
    private static String decode(byte[] bytes, Decoding decoding) throws IOException {
        return Utf8Input.of(new ByteArrayInputStream(bytes), "t.txt", decoding).readText(-1);
    }

    private static byte[] bytes(int... values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        return bytes;
    }

    /** Bytes near every UTF-8 boundary: ASCII, continuations, each lead byte range, and the invalid ones. */
    @Provide
    Arbitrary<byte[]> utf8ish() {
        Arbitrary<Integer> edges = Arbitraries.of(0x00, 0x0A, 0x0D, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1,
                0xC2, 0xDF, 0xE0, 0xE1, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF4, 0xF5, 0xF8, 0xFF);
        Arbitrary<Integer> any = Arbitraries.integers().between(0, 255);
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(3, edges), net.jqwik.api.Tuple.of(1, any)).list().ofMaxSize(24)
                .map(list -> {
                    byte[] bytes = new byte[list.size()];
                    for (int i = 0; i < bytes.length; i++) {
                        bytes[i] = (byte) (int) list.get(i);
                    }
                    return bytes;
                });
    }

    /**
     * Replacing decodes as the JDK does (one U+FFFD per maximal invalid subpart), but drops a
     * leading BOM. The JDK replaces an encoded surrogate (ED A0..BF ..) as one unit, where Unicode's
     * practice (Python, browsers, Kiln) replaces each byte: those inputs are checked below instead.
     */
    @Property(tries = 3000)
    void replacingDecodesAsTheJdk(@ForAll("utf8ish") byte[] bytes) throws IOException {
        for (int i = 0; i + 1 < bytes.length; i++) {
            if (bytes[i] == (byte) 0xED && (bytes[i + 1] & 0xE0) == 0xA0) {
                return;
            }
        }
        String jdk = new String(bytes, StandardCharsets.UTF_8);
        assertEquals(jdk.startsWith("\uFEFF") ? jdk.substring(1) : jdk, decode(bytes, Decoding.REPLACE));
    }

    /** Strict decoding refuses exactly what the JDK's strict decoder refuses. */
    @Property(tries = 3000)
    void strictRefusesWhatTheJdkRefuses(@ForAll("utf8ish") byte[] bytes) throws IOException {
        boolean jdkRefuses;
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            jdkRefuses = false;
        } catch (CharacterCodingException e) {
            jdkRefuses = true;
        }
        boolean refused;
        try {
            decode(bytes, Decoding.STRICT);
            refused = false;
        } catch (TextSourceException e) {
            refused = true;
        }
        assertEquals(jdkRefuses, refused);
    }

    /** Python's {@code bytes.decode("utf-8", "replace")} of each input, which follows Unicode's recommended practice. */
    @Test
    void replacingDecodesAsPythonWhereTheJdkDiffers() throws IOException {
        assertEquals("\uFFFD\uFFFD", decode(bytes(0xED, 0xA0), Decoding.REPLACE));
        assertEquals("\uFFFD\uFFFD\uFFFD", decode(bytes(0xED, 0xA0, 0x80), Decoding.REPLACE));
        assertEquals("\uD7FF", decode(bytes(0xED, 0x9F, 0xBF), Decoding.REPLACE));
        assertEquals("\uFFFD\uFFFD\uFFFDA", decode(bytes(0xED, 0xBF, 0xBF, 'A'), Decoding.REPLACE));
        assertEquals("\uFFFD\uFFFD\uFFFD\uFFFD", decode(bytes(0xF4, 0x90, 0x80, 0x80), Decoding.REPLACE));
        assertEquals("\uFFFD\uFFFD\uFFFD\uFFFD", decode(bytes(0xF0, 0x8F, 0xBF, 0xBF), Decoding.REPLACE));
    }

    @Test
    void strictErrorsNameTheLineTheOffsetAndTheBytes() {
        assertError(bytes('o', 'k', '\n', 'c', 'a', 'f', 0xE9, '\n'), "t.txt: line 2: not UTF-8 at byte offset 6 (0xE9 0x0A);"
                + " save the file as UTF-8, or read it with Decoding.REPLACE to get U+FFFD in place of such bytes");
        assertError(bytes('a', 0xE2, 0x82), "t.txt: line 1: not UTF-8 at byte offset 1 (0xE2 0x82, then the end of the file);"
                + " save the file as UTF-8, or read it with Decoding.REPLACE to get U+FFFD in place of such bytes");
        assertError(bytes(0xED, 0xA0, 0x80), "t.txt: line 1: not UTF-8 at byte offset 0 (0xED 0xA0); save the file as"
                + " UTF-8, or read it with Decoding.REPLACE to get U+FFFD in place of such bytes"); // a surrogate
        assertError(bytes('\r', '\n', '\r', 0xC0, 0xAF), "t.txt: line 3: not UTF-8 at byte offset 3 (0xC0); save the file as"
                + " UTF-8, or read it with Decoding.REPLACE to get U+FFFD in place of such bytes"); // overlong '/'
    }

    @Test
    void linesEndAtLfCrlfOrCrAndABomIsDropped() throws IOException {
        byte[] text = "\uFEFFa\nb\r\nc\rd😀".getBytes(StandardCharsets.UTF_8);
        Utf8Input in = Utf8Input.of(new ByteArrayInputStream(text), "t.txt", Decoding.STRICT);
        List<String> seen = new ArrayList<>();
        int c;
        while ((c = in.read()) >= 0) {
            seen.add(in.line() + ":" + Integer.toHexString(c));
        }
        // a, LF, b, CR, LF, c, CR, d and the two surrogates of U+1F600, each with the line of the char after it
        assertEquals(List.of("1:61", "2:a", "2:62", "3:d", "3:a", "3:63", "4:d", "4:64", "4:d83d", "4:de00"), seen);
        assertEquals("a😀", Utf8Input.of(new ByteArrayInputStream("a😀b".getBytes(StandardCharsets.UTF_8)), "t", Decoding.STRICT)
                .readText(2));
    }

    private static void assertError(byte[] bytes, String message) {
        assertEquals(message, assertThrows(TextSourceException.class, () -> decode(bytes, Decoding.STRICT)).getMessage());
    }
}
