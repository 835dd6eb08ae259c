package dev.kiln.nlp.imdb;

import java.nio.charset.StandardCharsets;

/** The records of a pax extended header that Kiln uses: "path" and "size" ("LEN key=value\n" each). */
record PaxRecords(String path, Long size) {

    static PaxRecords parse(byte[] data, String archive, long offset) throws TarFormatException {
        String path = null;
        Long size = null;
        int at = 0;
        while (at < data.length && data[at] != 0) {
            int space = at;
            while (space < data.length && data[space] != ' ') {
                space++;
            }
            int length;
            try {
                length = Integer.parseInt(new String(data, at, space - at, StandardCharsets.US_ASCII));
            } catch (NumberFormatException e) {
                throw new TarFormatException(archive + ": pax header at offset " + offset + " has a malformed record");
            }
            if (length <= space - at || at + length > data.length) {
                throw new TarFormatException(archive + ": pax header at offset " + offset + " has a record of bad length "
                        + length);
            }
            String record = new String(data, space + 1, at + length - space - 2, StandardCharsets.UTF_8);
            int equals = record.indexOf('=');
            if (equals > 0) {
                String key = record.substring(0, equals);
                String value = record.substring(equals + 1);
                if (key.equals("path")) {
                    path = value;
                } else if (key.equals("size")) {
                    try {
                        size = Long.parseLong(value);
                    } catch (NumberFormatException e) {
                        throw new TarFormatException(archive + ": pax header at offset " + offset + ": size '" + value
                                + "' is not a number");
                    }
                }
            }
            at += length;
        }
        return new PaxRecords(path, size);
    }
}
