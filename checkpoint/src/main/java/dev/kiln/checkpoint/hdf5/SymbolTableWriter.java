package dev.kiln.checkpoint.hdf5;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A group's symbol table as HDF5 lays out an old-style group: a local heap holding the children's
 * names, symbol table nodes of up to 2 x {@link #LEAF_K} entries in name order, and a version 1
 * B-tree of nodes holding up to 2 x {@link #INTERNAL_K} children over them; a group with more
 * children than one node holds gets a taller tree, its upper nodes pointing at the lower ones.
 * Each key is the heap offset of the last name below the child to its left ("" before the first).
 */
final class SymbolTableWriter {
    /** The superblock's "group leaf node K": a symbol table node holds up to 8 entries. */
    static final int LEAF_K = Superblock.DEFAULT_LEAF_K;
    /** The superblock's "group internal node K": a B-tree node has up to 32 children. */
    static final int INTERNAL_K = Superblock.DEFAULT_INTERNAL_K;
    private static final int ENTRY = 40;
    private static final long FREE_LIST_NONE = 1; // HDF5's "no free block" in a local heap

    /** One child as its parent's symbol table lists it: a group caches its B-tree and heap addresses. */
    record Entry(String name, long header, long btree, long heap) {
        static Entry dataset(String name, long header) {
            return new Entry(name, header, FileBytes.UNDEFINED, FileBytes.UNDEFINED);
        }

        Entry named(String childName) {
            return new Entry(childName, header, btree, heap);
        }

        boolean isGroup() {
            return btree != FileBytes.UNDEFINED;
        }
    }

    /** Where a written symbol table is: the root B-tree node and the local heap. */
    record Written(long btree, long heap) {}

    /** A subtree of the B-tree: its address and the heap offset of the last name below it. */
    private record Node(long address, long lastName) {}

    private SymbolTableWriter() {}

    /** Writes the symbol table of {@code entries} (in name order) and returns where it is. */
    static Written write(ByteSink out, List<Entry> entries) {
        long[] offsets = new long[entries.size()];
        long heap = localHeap(out, entries, offsets);
        List<Node> level = new ArrayList<>();
        for (int first = 0; first < entries.size(); first += 2 * LEAF_K) {
            int last = Math.min(entries.size(), first + 2 * LEAF_K);
            level.add(new Node(symbolNode(out, entries.subList(first, last), offsets, first), offsets[last - 1]));
        }
        int height = 0;
        do {
            level = btreeLevel(out, level, height++);
        } while (level.size() > 1);
        return new Written(level.getFirst().address(), heap);
    }

    /** The local heap: "" at offset 0, then each name NUL-terminated and padded to 8 bytes; no free space. */
    private static long localHeap(ByteSink out, List<Entry> entries, long[] offsets) {
        ByteSink names = new ByteSink();
        names.u8(0);
        names.align8();
        for (int i = 0; i < entries.size(); i++) {
            offsets[i] = names.position();
            names.bytes(entries.get(i).name().getBytes(StandardCharsets.UTF_8));
            names.u8(0);
            names.align8();
        }
        byte[] data = names.toArray();
        out.align8();
        long heap = out.position();
        out.ascii("HEAP");
        out.u8(0);
        out.skip(3);
        out.u64(data.length);
        out.u64(FREE_LIST_NONE);
        out.u64(heap + 32);
        out.bytes(data);
        return heap;
    }

    private static long symbolNode(ByteSink out, List<Entry> entries, long[] offsets, int first) {
        out.align8();
        long node = out.position();
        out.ascii("SNOD");
        out.u8(1);
        out.u8(0);
        out.u16(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            Entry entry = entries.get(i);
            out.u64(offsets[first + i]);
            out.u64(entry.header());
            out.u32(entry.isGroup() ? 1 : 0);
            out.u32(0);
            if (entry.isGroup()) {
                out.u64(entry.btree());
                out.u64(entry.heap());
            } else {
                out.skip(16);
            }
        }
        out.skip((2 * LEAF_K - entries.size()) * ENTRY);
        return node;
    }

    /** One level of B-tree nodes over {@code children} (symbol table nodes at level 0), siblings linked left to right. */
    private static List<Node> btreeLevel(ByteSink out, List<Node> children, int level) {
        List<Node> nodes = new ArrayList<>();
        List<Long> siblingFields = new ArrayList<>();
        long leftKey = 0;
        int groups = Math.max(1, (children.size() + 2 * INTERNAL_K - 1) / (2 * INTERNAL_K));
        for (int g = 0; g < groups; g++) {
            List<Node> mine = children.subList(Math.min(children.size(), g * 2 * INTERNAL_K),
                    Math.min(children.size(), (g + 1) * 2 * INTERNAL_K));
            out.align8();
            long node = out.position();
            out.ascii("TREE");
            out.u8(0);              // a group node
            out.u8(level);
            out.u16(mine.size());
            siblingFields.add(out.position());
            out.u64(FileBytes.UNDEFINED);
            out.u64(FileBytes.UNDEFINED);
            out.u64(leftKey);
            for (Node child : mine) {
                out.u64(child.address());
                out.u64(child.lastName());
            }
            out.skip((2 * INTERNAL_K - mine.size()) * 16);
            long lastName = mine.isEmpty() ? 0 : mine.getLast().lastName();
            nodes.add(new Node(node, lastName));
            leftKey = lastName;
        }
        for (int i = 0; i < nodes.size(); i++) {
            if (i > 0) {
                out.patch64(siblingFields.get(i), nodes.get(i - 1).address());
            }
            if (i + 1 < nodes.size()) {
                out.patch64(siblingFields.get(i) + 8, nodes.get(i + 1).address());
            }
        }
        return nodes;
    }
}
