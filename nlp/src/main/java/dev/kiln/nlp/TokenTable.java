package dev.kiln.nlp;

import java.util.Arrays;

/**
 * An open-addressing hash table from tokens to ints whose keys are looked up straight from a
 * char buffer: counting or encoding a token creates no String. Keys are copied once, when first
 * inserted, into one growing char arena.
 */
final class TokenTable {
    private static final int EMPTY = -1;

    private int[] slots;          // entry index per slot, EMPTY if free
    private char[] arena = new char[1 << 12];
    private int arenaUsed;
    private int[] starts = new int[64];
    private int[] lengths = new int[64];
    private int[] hashes = new int[64];
    private int[] values = new int[64];
    private int size;

    TokenTable() {
        slots = new int[128];
        Arrays.fill(slots, EMPTY);
    }

    int size() {
        return size;
    }

    /** Adds {@code delta} to the value of the token chars[start, start+length), inserting it at 0. */
    void add(char[] chars, int start, int length, int delta) {
        int hash = hash(chars, start, length);
        int entry = find(chars, start, length, hash);
        if (entry == EMPTY) {
            entry = insert(chars, start, length, hash);
        }
        values[entry] += delta;
    }

    /** The value of the token, or {@code missing}. */
    int get(char[] chars, int start, int length, int missing) {
        int entry = find(chars, start, length, hash(chars, start, length));
        return entry == EMPTY ? missing : values[entry];
    }

    /** Sets the token's value (inserting it). */
    void put(String token, int value) {
        char[] chars = token.toCharArray();
        int hash = hash(chars, 0, chars.length);
        int entry = find(chars, 0, chars.length, hash);
        if (entry == EMPTY) {
            entry = insert(chars, 0, chars.length, hash);
        }
        values[entry] = value;
    }

    String key(int entry) {
        return new String(arena, starts[entry], lengths[entry]);
    }

    int value(int entry) {
        return values[entry];
    }

    /** Adds every entry of {@code other} into this table. */
    void addAll(TokenTable other) {
        for (int e = 0; e < other.size; e++) {
            add(other.arena, other.starts[e], other.lengths[e], other.values[e]);
        }
    }

    private int find(char[] chars, int start, int length, int hash) {
        int mask = slots.length - 1;
        for (int slot = hash & mask; ; slot = (slot + 1) & mask) {
            int entry = slots[slot];
            if (entry == EMPTY) {
                return EMPTY;
            }
            if (hashes[entry] == hash && lengths[entry] == length
                    && Arrays.equals(arena, starts[entry], starts[entry] + length, chars, start, start + length)) {
                return entry;
            }
        }
    }

    private int insert(char[] chars, int start, int length, int hash) {
        if (size == starts.length) {
            int capacity = size * 2;
            starts = Arrays.copyOf(starts, capacity);
            lengths = Arrays.copyOf(lengths, capacity);
            hashes = Arrays.copyOf(hashes, capacity);
            values = Arrays.copyOf(values, capacity);
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
