#!/usr/bin/python3
"""A small HDF5 file with what the reader supports and the Keras corpus does not show.

What it is
    h5py (Debian's python3-h5py, h5py 3.7 on HDF5 1.10.8, the default
    libver='earliest' layout, as Keras writes) writes
    checkpoint/src/test/resources/hdf5/features.h5: a group of 70 datasets
    (with the file's B-tree ranks set low, its B-tree has three levels and
    its links fill many symbol table nodes); every integer type, float16, float32 and float64, big-endian
    ones; a scalar, an empty and a never-written dataset; a compact one;
    attributes with UTF-8 names and values, fixed-length strings NUL- and
    space-padded, variable-length string arrays, a null dataspace, scalar and
    big-endian numbers; a dataset with a non-ASCII name. Then it describes the
    file as keras_hdf5_reference.py describes the corpus and writes
    checkpoint/src/test/resources/reference/hdf5_features.json, which
    Hdf5FeaturesTest reads.

    The other files cover what HDF5 1.8 and 1.10 write, each described in the
    same fixture: features-earliest.h5 (superblock 0, as Keras writes, with
    chunked datasets: a version 1 B-tree chunk index, gzip, shuffle,
    Fletcher-32, fill values, edge chunks, string datasets),
    features-superblock1.h5 (a chunk B-tree rank of 2: superblock 1 and a
    three-level chunk B-tree), features-v108.h5 (libver v108: superblock 2,
    version 2 object headers, link messages, chunks in a version 1 B-tree),
    features-latest.h5 (libver latest: superblock 3, compact and dense links,
    dense attributes with a 70 KB one stored as a huge object, the 1.10 chunk
    indexes: single chunk, implicit, fixed array paged or not, extensible
    array, version 2 B-tree). gru-rnn-layernorm-latest-gzip-k3.keras is
    keras-files/gru-rnn-layernorm-synthetic-k3.keras with its weights rewritten
    that way (libver latest, every weight chunked with gzip and shuffle).

Rerun (from the repository root; apt-get install python3-h5py)
    /usr/bin/python3 checkpoint/src/test/python/hdf5_features.py
    The files and the fixture depend on nothing else: a rerun writes the same
    values (HDF5 leaves a few unused bytes uninitialized, so those may differ).
"""

import ctypes
import ctypes.util
import io
import json
import os
import sys
import zipfile

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from keras_hdf5_reference import describe  # noqa: E402

FILE = os.path.join("checkpoint", "src", "test", "resources", "hdf5", "features.h5")
OUT = os.path.join("checkpoint", "src", "test", "resources", "reference", "hdf5_features.json")
TYPES = [("int8", "i1"), ("uint8", "u1"), ("int16", "<i2"), ("uint16", "<u2"), ("int32", "<i4"), ("uint32", "<u4"),
         ("int64", "<i8"), ("uint64", "<u8"), ("float16", "<f2"), ("float32", "<f4"), ("float64", "<f8"),
         ("big_int32", ">i4"), ("big_float32", ">f4"), ("big_float64", ">f8")]


def write(path):
    # Group B-trees of rank 2 (nodes of at most 4 children) and symbol table nodes of at most 4
    # links, so the 70 links of /many need a B-tree of three levels, as a group of a few hundred
    # links would with HDF5's default ranks (16 and 4).
    fcpl = h5py.h5p.create(h5py.h5p.FILE_CREATE)
    library = ctypes.CDLL(ctypes.util.find_library("hdf5_serial") or "libhdf5_serial.so.103")  # h5py has no set_sym_k
    library.H5Pset_sym_k.argtypes = [ctypes.c_int64, ctypes.c_uint, ctypes.c_uint]
    if library.H5Pset_sym_k(fcpl.id, 2, 2) < 0:
        sys.exit("H5Pset_sym_k failed")
    fapl = h5py.h5p.create(h5py.h5p.FILE_ACCESS)
    fapl.set_libver_bounds(h5py.h5f.LIBVER_EARLIEST, h5py.h5f.LIBVER_LATEST)
    with h5py.File(h5py.h5f.create(path.encode(), h5py.h5f.ACC_TRUNC, fcpl=fcpl, fapl=fapl)) as f:
        many = f.create_group("many")
        for i in range(70):
            many.create_dataset("w%02d" % i, data=np.array([i], dtype="<f4"))
        types = f.create_group("types")
        for name, dtype in TYPES:
            values = np.arange(12).reshape(3, 4)
            types.create_dataset(name, data=(values if "u" in dtype else values * 7 - 20).astype(dtype))
        f.create_dataset("scalar", data=np.float64(2.5))
        f.create_dataset("empty", data=np.zeros((0, 3), dtype="<f4"))
        f.create_dataset("unwritten", shape=(4,), dtype="<f4")
        f.create_dataset("\u00fcnicode", data=np.float32(1))
        compact = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
        compact.set_layout(h5py.h5d.COMPACT)
        dataset = h5py.h5d.create(f.id, b"compact", h5py.h5t.IEEE_F32LE, h5py.h5s.create_simple((2, 3)), compact)
        dataset.write(h5py.h5s.ALL, h5py.h5s.ALL, np.arange(6, dtype="<f4").reshape(2, 3) / 4)
        attrs = types.attrs
        attrs["utf8 name \u00e9\u00e8"] = "vlen utf-8 \u00fcber"
        attrs["ascii_fixed"] = np.array([b"ab", b"cde", b""], dtype="S3")
        attrs["empty"] = h5py.Empty("f8")
        attrs["number"] = np.int32(-7)
        attrs["numbers"] = np.array([1.5, -2.25], dtype=">f8")
        attrs["vlen_list"] = np.array(["x", "yy", ""], dtype=h5py.string_dtype())
        space_padded = h5py.h5t.C_S1.copy()
        space_padded.set_size(6)
        space_padded.set_strpad(h5py.h5t.STR_SPACEPAD)
        attribute = h5py.h5a.create(types.id, b"space_padded", space_padded, h5py.h5s.create_simple((2,)))
        attribute.write(np.array([b"ab    ", b"cdefgh"], dtype="S6"), mtype=space_padded)


def library():
    """HDF5's C library, for the property setters h5py does not wrap."""
    lib = ctypes.CDLL(ctypes.util.find_library("hdf5_serial") or "libhdf5_serial.so.103")
    lib.H5Pset_istore_k.argtypes = [ctypes.c_int64, ctypes.c_uint]
    return lib


def create(path, low, high, istore_k=None):
    """A file written with libver bounds (low, high); istore_k sets the chunk B-tree rank (superblock version 1)."""
    fcpl = h5py.h5p.create(h5py.h5p.FILE_CREATE)
    if istore_k is not None and library().H5Pset_istore_k(fcpl.id, istore_k) < 0:
        sys.exit("H5Pset_istore_k failed")
    fapl = h5py.h5p.create(h5py.h5p.FILE_ACCESS)
    fapl.set_libver_bounds(low, high)
    return h5py.File(h5py.h5f.create(path.encode(), h5py.h5f.ACC_TRUNC, fcpl=fcpl, fapl=fapl))


def values(shape, dtype, scale=0.25):
    """Deterministic values that compress a little but not to nothing."""
    n = int(np.prod(shape))
    return ((np.arange(n) % 23 - 11) * scale).reshape(shape).astype(dtype)


def chunked(group):
    """Chunked datasets with the filters and options Keras users pass to h5py (gzip, shuffle, fletcher32, fill values)."""
    group.create_dataset("gzip_shuffle", data=values((50, 30), "<f4"), chunks=(10, 8), compression="gzip", compression_opts=4,
                         shuffle=True)
    group.create_dataset("gzip", data=values((33,), "<f8"), chunks=(8,), compression="gzip")
    group.create_dataset("shuffle_big_endian", data=values((6, 7), ">i4", 3), chunks=(4, 4), shuffle=True)
    group.create_dataset("fletcher32", data=values((20,), "<f4"), chunks=(6,), fletcher32=True, compression="gzip")
    group.create_dataset("plain", data=values((5, 5), "<i8", 1), chunks=(2, 3))
    group.create_dataset("one_chunk", data=values((4, 5), "<f4"), chunks=(4, 5), compression="gzip", shuffle=True)
    group.create_dataset("one_plain_chunk", data=values((4, 5), "<f2"), chunks=(4, 5))
    partial = group.create_dataset("partial", shape=(10,), dtype="<f4", chunks=(4,), fillvalue=-1.5, compression="gzip")
    partial[0:4] = np.arange(4, dtype="<f4")
    group.create_dataset("unwritten", shape=(6,), dtype="<f4", chunks=(3,), compression="gzip")
    group.create_dataset("growable", data=values((7, 6), "<f4"), chunks=(3, 6), maxshape=(None, 6), compression="gzip", shuffle=True)
    group.create_dataset("growable_rows", data=values((50, 3), "<f4"), chunks=(2, 3), maxshape=(None, 3))
    group.create_dataset("growable_wider", data=values((7, 6), "<f4"), chunks=(2, 4), maxshape=(None, 10))
    group.create_dataset("growable_columns", data=values((5, 7), "<f4"), chunks=(2, 3), maxshape=(5, None))
    group.create_dataset("room_to_grow", data=values((5, 5), "<f4"), chunks=(2, 2), maxshape=(9, 12), compression="gzip")
    group.create_dataset("growable_2d", data=values((7, 5), "<f4"), chunks=(3, 3), maxshape=(None, None), compression="gzip",
                         shuffle=True)
    group.create_dataset("growable_plain", data=values((5, 5), "<i4", 1), chunks=(2, 2), maxshape=(None, None))
    group.create_dataset("fixed_strings", data=np.array([b"relu", b"tanh", b"", b"softmax!"], dtype="S8"), chunks=(2,),
                         compression="gzip")
    group.create_dataset("vlen_strings", data=np.array(["dense", "\u00fcber", "", "x" * 40], dtype=h5py.string_dtype()))


def early(group, name, data, chunks):
    """A chunked dataset allocated when created, without filters: HDF5 1.10 indexes its chunks implicitly."""
    dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
    dcpl.set_chunk(chunks)
    dcpl.set_alloc_time(h5py.h5d.ALLOC_TIME_EARLY)
    dataset = h5py.h5d.create(group.id, name.encode(), h5py.h5t.IEEE_F32LE, h5py.h5s.create_simple(data.shape), dcpl)
    dataset.write(h5py.h5s.ALL, h5py.h5s.ALL, data)


def write_latest(path):
    """libver='latest': superblock 3, version 2 object headers, link messages, the 1.10 chunk indexes, dense links and attributes."""
    with create(path, h5py.h5f.LIBVER_LATEST, h5py.h5f.LIBVER_LATEST) as f:
        compact = f.create_group("compact_links")
        for i in range(5):
            compact.create_dataset("c%d" % i, data=np.array([i, -i], dtype="<f4"))
        compact.create_group("empty_group")
        dense = f.create_group("dense_links")
        for i in range(60):
            dense.create_dataset("link_%02d_%s" % (i, "x" * (i % 5)), data=np.array([i], dtype="<i2"))
        dense.create_group("inner").create_dataset("deep", data=np.float64(3.25))
        attrs = dense.attrs
        for i in range(14):
            attrs["attribute_%02d" % i] = "value %d" % i if i % 2 else np.arange(i + 1, dtype="<i8")
        attrs["large_config"] = "{" + ",".join('"k%d": %d' % (i, i) for i in range(8000)) + "}"
        chunked(f.create_group("chunked"))
        f.create_dataset("paged", data=values((2100,), "<f4"), chunks=(1,))
        early(f, "implicit", values((6, 8), "<f4"), (3, 4))
        f.attrs["utf8 \u00e9"] = "latest \u00fcber"
        f.attrs["fixed"] = np.array([b"ab", b"cde"], dtype="S3")


def write_v108(path):
    """libver=('v108', 'v108'): superblock 2, version 2 object headers, link messages, chunks indexed by a version 1 B-tree."""
    with create(path, h5py.h5f.LIBVER_V18, h5py.h5f.LIBVER_V18) as f:
        chunked(f.create_group("chunked"))
        f.create_group("model_weights").create_group("dense").create_dataset("kernel:0", data=values((16, 4), "<f4"))
        f.attrs["keras_version"] = "2.15.0"


def write_earliest(path):
    """HDF5's default layout (superblock 0, as Keras writes) with chunked, filtered datasets; the same with istore_k (superblock 1)."""
    with create(path, h5py.h5f.LIBVER_EARLIEST, h5py.h5f.LIBVER_LATEST) as f:
        chunked(f.create_group("chunked"))
        f.create_dataset("many_chunks", data=values((40, 9), "<f4"), chunks=(2, 3), compression="gzip", shuffle=True)


def write_superblock1(path):
    """Superblock version 1 (a chunk B-tree rank other than 16), whose chunk B-tree has three levels (rank 2)."""
    with create(path, h5py.h5f.LIBVER_EARLIEST, h5py.h5f.LIBVER_LATEST, istore_k=2) as f:
        f.create_dataset("many_chunks", data=values((40, 9), "<f4"), chunks=(2, 3), compression="gzip", shuffle=True)
        f.attrs["superblock"] = np.int32(1)


KERAS_SOURCE = os.path.join("checkpoint", "src", "test", "resources", "keras-files", "gru-rnn-layernorm-synthetic-k3.keras")
KERAS_OUT = os.path.join("checkpoint", "src", "test", "resources", "hdf5", "gru-rnn-layernorm-latest-gzip-k3.keras")


def copy_group(source, target):
    """Copies attributes, groups and datasets, every dataset chunked (h5py's own chunk shape) with gzip and shuffle."""
    for name, value in source.attrs.items():
        target.attrs[name] = value
    for name, child in source.items():
        if isinstance(child, h5py.Group):
            copy_group(child, target.create_group(name))
        elif child.shape == ():
            target.create_dataset(name, data=child[()])
        else:
            target.create_dataset(name, data=child[()], chunks=True, compression="gzip", shuffle=True)


def write_keras_latest(path):
    """A Keras 3 archive whose model.weights.h5 is rewritten with libver='latest' and every weight chunked, gzip and shuffle."""
    with zipfile.ZipFile(KERAS_SOURCE) as source, zipfile.ZipFile(path, "w") as out:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "model.weights.h5":
                weights = os.path.join(os.path.dirname(path), "model.weights.tmp.h5")
                with h5py.File(io.BytesIO(data), "r") as original, create(weights, h5py.h5f.LIBVER_LATEST, h5py.h5f.LIBVER_LATEST) as f:
                    copy_group(original, f)
                with open(weights, "rb") as f:
                    data = f.read()
                os.remove(weights)
            entry = zipfile.ZipInfo(info.filename, date_time=(2026, 12, 3, 0, 0, 0))
            entry.compress_type = info.compress_type
            out.writestr(entry, data)


FILES = {"features.h5": write, "features-earliest.h5": write_earliest, "features-superblock1.h5": write_superblock1,
         "features-v108.h5": write_v108, "features-latest.h5": write_latest}


def main():
    os.makedirs(os.path.dirname(FILE), exist_ok=True)
    files = {}
    for name, writer in FILES.items():
        path = os.path.join(os.path.dirname(FILE), name)
        writer(path)
        with open(path, "rb") as f:
            files[name] = describe(f.read())
    write_keras_latest(KERAS_OUT)
    document = {"about": "checkpoint/src/test/resources/hdf5/features*.h5 as h5py " + h5py.version.version + " on HDF5 "
                         + h5py.version.hdf5_version + " reads them (checkpoint/src/test/python/hdf5_features.py)",
                "files": files}
    with open(OUT, "w") as out:
        out.write(json.dumps(document, indent=1, allow_nan=False, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
