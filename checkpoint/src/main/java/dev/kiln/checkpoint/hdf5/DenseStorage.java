package dev.kiln.checkpoint.hdf5;

import dev.kiln.checkpoint.io.CheckpointFormatException;

import java.util.ArrayList;
import java.util.List;

/**
 * Links or attributes kept in dense storage (HDF5 1.8's format for a group of many links or an
 * object of many or large attributes): messages in a fractal heap, found through the heap IDs in
 * the records of a version 2 B-tree indexed by name. Each record's heap ID is resolved to the file
 * range of one link or attribute message.
 */
final class DenseStorage {
    /** One message: where it is and how long. */
    record Item(long at, long length) {}

    private final FileBytes file;
    private final FractalHeap heap;
    private final Location where;
    private final String what;

    /** The dense storage whose fractal heap is at {@code heapAddress}; {@code what} ("link", "attribute") names it in errors. */
    DenseStorage(FileBytes file, long heapAddress, Location where, String what) throws CheckpointFormatException {
        this.file = file;
        this.heap = new FractalHeap(file, heapAddress, where, what);
        this.where = where;
        this.what = what;
    }

    /** The messages the name index at {@code btree} (records of {@code type}: link names or attribute names) points to. */
    List<Item> items(long btree, int type) throws CheckpointFormatException {
        BTree2 index = new BTree2(file, btree, type, where, what + " name index");
        int idAt = type == BTree2.LINK_NAME ? 4 : 0; // link records: hash, heap ID; attribute records: heap ID, flags, order, hash
        int needed = idAt + heap.idLength() + (type == BTree2.LINK_NAME ? 0 : 9);
        if (index.recordSize() != needed) {
            throw file.error(where, what + " name index record size", btree + 10, index.recordSize() + " bytes; allowed: " + needed
                    + " (for heap IDs of " + heap.idLength() + " bytes)");
        }
        List<Item> items = new ArrayList<>();
        for (long record : index.records()) {
            FractalHeap.Span span = heap.find(record + idAt);
            items.add(new Item(span.at(), span.length()));
        }
        return items;
    }
}
