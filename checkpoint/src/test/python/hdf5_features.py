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

Rerun (from the repository root; apt-get install python3-h5py)
    /usr/bin/python3 checkpoint/src/test/python/hdf5_features.py
    The file and the fixture depend on nothing else: a rerun writes the same bytes.
"""

import ctypes
import ctypes.util
import json
import os
import sys

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


def main():
    os.makedirs(os.path.dirname(FILE), exist_ok=True)
    write(FILE)
    with open(FILE, "rb") as f:
        data = f.read()
    document = {"about": "checkpoint/src/test/resources/hdf5/features.h5 as h5py " + h5py.version.version + " on HDF5 "
                         + h5py.version.hdf5_version + " reads it (checkpoint/src/test/python/hdf5_features.py)",
                "files": {"features.h5": describe(data)}}
    with open(OUT, "w") as out:
        out.write(json.dumps(document, indent=1, allow_nan=False, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
