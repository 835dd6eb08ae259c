package dev.kiln.nlp;

import java.util.Arrays;

/**
 * An open-addressing hash table from tokens to ints whose keys are looked up straight from a
 * char buffer: counting or encoding a token creates no String. Keys are copied once, when first
 * inserted, into one growing char arena. Beside its value each token has a document count, for
 * adapt's document frequencies ({@link #count}).
 */
final class TokenTable {
    private static final int EMPTY = -1;

    private int[] slots;          // entry index per slot, EMPTY if free
    private char[] arena = new char[1 << 12];
    private int arenaUsed;
    private int[] starts = new int[64];
    private int[] lengths = new int[64];
    private int[] hashes = new int[64];
    private long[] values = new long[64];     // counts are long: a large stream may count a token more than 2^31 times
    private long[] documents = new long[64];
    private int[] lastDocument = new int[64];
    private int size;

    TokenTable() {
        slots = new int[128];
        Arrays.fill(slots, EMPTY);
    }

    int size() {
        return size;
    }

    /**
     * Counts one occurrence of the token in document {@code document} (numbered from 0; a caller
     * counts one document's tokens before the next one's): its value goes up by one, and its
     * document count too when this is its first occurrence in that document.
     */
    void count(char[] chars, int start, int length, int document) {
        int entry = entry(chars, start, length, hash(chars, start, length));
        values[entry]++;
        if (lastDocument[entry] != document) {
            lastDocument[entry] = document;
            documents[entry]++;
        }
    }

    /** The value of the token, or {@code missing}. */
    int get(char[] chars, int start, int length, int missing) {
        int entry = find(chars, start, length, hash(chars, start, length));
        return entry == EMPTY ? missing : (int) values[entry];
    }

    /** Sets the token's value (inserting it). */
    void put(String token, int value) {
        char[] chars = token.toCharArray();
        int entry = entry(chars, 0, chars.length, hash(chars, 0, chars.length)); // first: inserting may grow values
        values[entry] = value;
    }

    String key(int entry) {
        return new String(arena, starts[entry], lengths[entry]);
    }

    long value(int entry) {
        return values[entry];
    }

    /** In how many documents {@link #count} saw the entry's token. */
    long documents(int entry) {
        return documents[entry];
    }

    /** Adds every entry of {@code other} (values and document counts) into this table; the tables counted different documents. */
    void addAll(TokenTable other) {
        for (int e = 0; e < other.size; e++) {
            int entry = entry(other.arena, other.starts[e], other.lengths[e], other.hashes[e]);
            values[entry] += other.values[e];
            documents[entry] += other.documents[e];
        }
    }

    /** The token's entry, inserted (with value 0) when it is new. */
    private int entry(char[] chars, int start, int length, int hash) {
        int entry = find(chars, start, length, hash);
        return entry == EMPTY ? insert(chars, start, length, hash) : entry;
    }

    private int find(char[] chars, int start, int length, int hash) {
        int mask = slots.length - 1;
        for (int slot = hash & mask; ; slot = (slot + 1) & mask) {
            int entry = slots[slot];
            if (entry == EMPTY) {
                return EMPTY;
            }
            if (hashes[entry] == hash && lengths[entry] == length && sameChars(starts[entry], chars, start, length)) {
                return entry;
            }
        }
    }

    /**
     * Whether the key at arena[at] equals chars[start, start + length). A word is a few characters:
     * a plain loop, where {@code Arrays.equals}' vectorized mismatch spent more on its setup (a
     * fifth of encoding's time, JMH's stack profiler).
     */
    private boolean sameChars(int at, char[] chars, int start, int length) {
        if (length > 16) {
            return Arrays.equals(arena, at, at + length, chars, start, start + length);
        }
        for (int i = 0; i < length; i++) {
            if (arena[at + i] != chars[start + i]) {
                return false;
            }
        }
        return true;
    }

    private int insert(char[] chars, int start, int length, int hash) {
        if (size == starts.length) {
            int capacity = size * 2;
            starts = Arrays.copyOf(starts, capacity);
            lengths = Arrays.copyOf(lengths, capacity);
            hashes = Arrays.copyOf(hashes, capacity);
            values = Arrays.copyOf(values, capacity);
            documents = Arrays.copyOf(documents, capacity);
            lastDocument = Arrays.copyOf(lastDocument, capacity);
        }
        if (arenaUsed + length > arena.length) {
            arena = Arrays.copyOf(arena, Math.max(arena.length * 2, arenaUsed + length));
        }
        System.arraycopy(chars, start, arena, arenaUsed, length);
        int entry = size++;
        starts[entry] = arenaUsed;
        lengths[entry] = length;
        hashes[entry] = hash;
        values[entry] = 0;
        documents[entry] = 0;
        lastDocument[entry] = -1;
        arenaUsed += length;
        if (size * 2 > slots.length) {
            rehash(slots.length * 2);
        } else {
            place(entry);
        }
        return entry;
    }

    private void rehash(int capacity) {
        slots = new int[capacity];
        Arrays.fill(slots, EMPTY);
        for (int e = 0; e < size; e++) {
            place(e);
        }
    }

    private void place(int entry) {
        int mask = slots.length - 1;
        int slot = hashes[entry] & mask;
        while (slots[slot] != EMPTY) {
            slot = (slot + 1) & mask;
        }
        slots[slot] = entry;
    }

    private static int hash(char[] chars, int start, int length) {
        int h = 0x811C9DC5;
        for (int i = start; i < start + length; i++) {
            h = (h ^ chars[i]) * 0x01000193;
        }
        return h ^ (h >>> 16);
    }
}
