package dev.kiln.checkpoint.hdf5;

import dev.kiln.checkpoint.io.CheckpointFormatException;
import dev.kiln.checkpoint.io.LoadLimits;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A group's links as a symbol table stores them (HDF5 spec III.A.1, III.B, III.C, III.D): a
 * version 1 B-tree whose leaves point to symbol table nodes, whose entries name each child by an
 * offset into the group's local heap and point to its object header. The B-tree is walked with an
 * explicit stack; each node's level must be one below its parent's, and no node may be reached
 * twice in the file (a loop or a shared subtree is an error, not an endless walk).
 */
final class SymbolTable {
    private static final int NODE_PREFIX = 24;
    private static final int ENTRY_BYTES = 40;

    private final FileBytes file;
    private final int leafK;
    private final int internalK;
    private final Set<Long> visited = new HashSet<>();

    /** Reads groups of {@code file}, whose superblock gives the B-tree ranks {@code leafK} and {@code internalK}. */
    SymbolTable(FileBytes file, int leafK, int internalK) {
        this.file = file;
        this.leafK = leafK;
        this.internalK = internalK;
    }

    /** The links of the group at {@code where}, in the B-tree's order (by name), from its B-tree and local heap. */
    List<Link> links(long btree, long localHeap, Location where) throws CheckpointFormatException {
        file.signature(localHeap, "HEAP", where, "local heap");
        file.expect(localHeap + 4, 0, where, "local heap version");
        long heapSize = file.u64(localHeap + 8, where, "local heap data size");
        long heapData = file.definedAddress(localHeap + 24, heapSize, where, "local heap data address");
        List<Link> links = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (long node : symbolNodes(btree, where)) {
            visit(node, where, "symbol table node");
            file.signature(node, "SNOD", where, "symbol table node");
            file.expect(node + 4, 1, where, "symbol table node version");
            int count = file.u16(node + 6, where, "symbol table node entry count");
            if (count > 2 * leafK) {
                throw file.error(where, "symbol table node entry count", node + 6, count + " entries; allowed: at most " + 2 * leafK
                        + " (twice the superblock's group leaf node K)");
            }
            file.require(node + 8, (long) count * ENTRY_BYTES, where, "symbol table node entries");
            for (int i = 0; i < count; i++) {
                long entry = node + 8 + (long) ENTRY_BYTES * i;
                String name = name(heapData, heapSize, file.u64(entry, where, "link name offset"), entry, where);
                long header = file.definedAddress(entry + 8, 16, where.child(name), "object header address");
                long cacheType = file.u32(entry + 16, where.child(name), "symbol table entry cache type");
                if (cacheType == 2) {
                    throw file.error(where.child(name), "symbol table entry", entry, "a soft link is not supported; allowed: hard links");
                }
                if (cacheType > 2) {
                    throw file.error(where.child(name), "symbol table entry cache type", entry + 16, cacheType + "; allowed: 0 or 1");
                }
                if (!names.add(name)) {
                    throw file.error(where, "link name", entry, "\"" + name + "\" names two links; allowed: distinct names");
                }
                links.add(new Link(name, header, entry));
            }
        }
        return links;
    }

    /** The symbol table nodes under the B-tree at {@code root}, left to right. */
    private List<Long> symbolNodes(long root, Location where) throws CheckpointFormatException {
        List<Long> leaves = new ArrayList<>();
        ArrayDeque<long[]> stack = new ArrayDeque<>(); // {address, the level it must have (-1: any, the root)}
        stack.push(new long[] {root, -1});
        while (!stack.isEmpty()) {
            long[] next = stack.pop();
            long node = next[0];
            visit(node, where, "B-tree node");
            file.signature(node, "TREE", where, "B-tree node");
            int type = file.u8(node + 4, where, "B-tree node type");
            if (type != 0) {
                throw file.error(where, "B-tree node type", node + 4, "type " + type + " (a chunk index); allowed: 0 (a group's nodes)");
            }
            int level = file.u8(node + 5, where, "B-tree node level");
            if (next[1] >= 0 && level != next[1]) {
                throw file.error(where, "B-tree node level", node + 5, "level " + level + " below a node of level " + (next[1] + 1)
                        + "; allowed: " + next[1]);
            }
            int entries = file.u16(node + 6, where, "B-tree node entry count");
            if (entries > 2 * internalK) {
                throw file.error(where, "B-tree node entry count", node + 6, entries + " entries; allowed: at most " + 2 * internalK
                        + " (twice the superblock's group internal node K)");
            }
            file.require(node, NODE_PREFIX + 16L * entries + 8, where, "B-tree node");
            if (level == 0) {
                for (int i = 0; i < entries; i++) {
                    leaves.add(file.definedAddress(child(node, i), 8, where, "B-tree child address"));
                }
            } else {
                for (int i = entries - 1; i >= 0; i--) { // pushed right to left, so the left child is walked first
                    stack.push(new long[] {file.definedAddress(child(node, i), NODE_PREFIX, where, "B-tree child address"), level - 1});
                }
            }
        }
        return leaves;
    }

    /** Marks the node at {@code node} as read: reaching one twice in the file is a loop or a shared subtree. */
    private void visit(long node, Location where, String what) throws CheckpointFormatException {
        if (!visited.add(node)) {
            throw file.error(where, what, node, "node at " + node + " is reached a second time (a loop, or a node two groups share);"
                    + " allowed: a tree");
        }
    }

    /** Where child {@code i}'s address stands: keys and children alternate after the prefix, a key first. */
    private static long child(long node, int i) {
        return node + NODE_PREFIX + 16L * i + 8;
    }

    private String name(long heapData, long heapSize, long offset, long entry, Location where) throws CheckpointFormatException {
        if (offset >= heapSize) {
            throw file.error(where, "link name offset", entry, "offset " + offset + " lies outside the local heap's " + heapSize + " bytes");
        }
        long limit = Math.min(heapSize - offset, LoadLimits.MAX_NAME_BYTES + 1L);
        long start = heapData + offset;
        int length = 0;
        while (length < limit && file.u8(start + length, where, "link name") != 0) {
            length++;
        }
        if (length == limit) {
            throw file.error(where, "link name", start, "no NUL within " + limit + " bytes; allowed: a name of 1 to "
                    + LoadLimits.MAX_NAME_BYTES + " bytes");
        }
        if (length == 0) {
            throw file.error(where, "link name", start, "is empty; allowed: 1 to " + LoadLimits.MAX_NAME_BYTES + " bytes");
        }
        file.spendName(length, where, start);
        return Link.checkName(file, file.utf8(start, length, where, "link name"), where, start);
    }
}
