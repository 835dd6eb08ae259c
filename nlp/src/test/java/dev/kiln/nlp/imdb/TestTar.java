package dev.kiln.nlp.imdb;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;

/** Builds small tar archives in the three header styles, for the reader's tests. */
final class TestTar {
    enum Style { USTAR, GNU, PAX }

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final Style style;

    TestTar(Style style) {
        this.style = style;
    }

    TestTar file(String name, String content) {
        byte[] data = content.getBytes(StandardCharsets.UTF_8);
        if (name.length() > 100) {
            switch (style) {
                case GNU -> {
                    byte[] longName = (name + "\0").getBytes(StandardCharsets.UTF_8);
                    write(header("././@LongLink", longName.length, 'L'), longName);
                    write(header(name.substring(0, 100), data.length, '0'), data);
                }
                case PAX -> {
                    String record = "path=" + name + "\n";
                    int length = record.length() + 3;
                    length = (length + " ".length() + Integer.toString(length).length() - 2);
                    String line = length + " " + record;
                    while (line.getBytes(StandardCharsets.UTF_8).length != length) {
                        length = line.getBytes(StandardCharsets.UTF_8).length;
                        line = length + " " + record;
                    }
                    byte[] pax = line.getBytes(StandardCharsets.UTF_8);
                    write(header("PaxHeaders/x", pax.length, 'x'), pax);
                    write(header(name.substring(name.length() - 90), data.length, '0'), data);
                }
                case USTAR -> {
                    int cut = name.lastIndexOf('/', 155);
                    byte[] header = header(name.substring(cut + 1), data.length, '0');
                    byte[] prefix = name.substring(0, cut).getBytes(StandardCharsets.UTF_8);
                    System.arraycopy(prefix, 0, header, 345, prefix.length);
                    checksum(header);
                    write(header, data);
                }
            }
        } else {
            write(header(name, data.length, '0'), data);
        }
        return this;
    }

    TestTar directory(String name) {
        write(header(name, 0, '5'), new byte[0]);
        return this;
    }

    byte[] tar() {
        ByteArrayOutputStream copy = new ByteArrayOutputStream();
        copy.writeBytes(out.toByteArray());
        copy.writeBytes(new byte[1024]);
        return copy.toByteArray();
    }

    byte[] tarGz() {
        try {
            ByteArrayOutputStream gz = new ByteArrayOutputStream();
            try (GZIPOutputStream zip = new GZIPOutputStream(gz)) {
                zip.write(tar());
            }
            return gz.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void write(byte[] header, byte[] data) {
        out.writeBytes(header);
        out.writeBytes(data);
        out.writeBytes(new byte[(512 - data.length % 512) % 512]);
    }

    private byte[] header(String name, long size, char type) {
        byte[] header = new byte[512];
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(nameBytes, 0, header, 0, Math.min(100, nameBytes.length));
        octal(header, 100, 8, 0644);
        octal(header, 108, 8, 0);
        octal(header, 116, 8, 0);
        octal(header, 124, 12, size);
        octal(header, 136, 12, 0);
        header[156] = (byte) type;
        byte[] magic = (style == Style.GNU ? "ustar  \0" : "ustar\u000000").getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(magic, 0, header, 257, magic.length);
        checksum(header);
        return header;
    }

    private static void octal(byte[] header, int at, int width, long value) {
        String digits = String.format("%0" + (width - 1) + "o", value);
        byte[] bytes = digits.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(bytes, 0, header, at, bytes.length);
        header[at + width - 1] = 0;
    }

    static void checksum(byte[] header) {
        for (int i = 148; i < 156; i++) {
            header[i] = ' ';
        }
        long sum = 0;
        for (byte b : header) {
            sum += b & 0xFF;
        }
        String digits = String.format("%06o", sum);
        System.arraycopy(digits.getBytes(StandardCharsets.US_ASCII), 0, header, 148, 6);
        header[154] = 0;
        header[155] = ' ';
    }
}
