#!/usr/bin/python3
"""Reference reading of every HDF5 file of the Keras corpus, for Kiln's HDF5 reader.

What it is
    h5py (Debian's python3-h5py: h5py 3.7 on HDF5 1.10.8, the versions
    shared/keras-files/PROVENANCE.md was read with) opens each HDF5 file of
    shared/keras-files: the .h5 files, sentiment-embed-gap-k2-hdf5.keras (HDF5
    despite its name) and the model.weights.h5 entry of each .keras zip. For
    each it records, walking groups depth first with children in name order
    (the order of HDF5's symbol tables): every group's path; every dataset's
    path, shape, dtype, the SHA-256 of its values as little-endian bytes and
    their float64 sum; every attribute's object, name, dtype ("fixed-length
    string", "variable-length string" or NumPy's name), shape and value (a
    string longer than 200 characters as its length and SHA-256 of its UTF-8
    bytes). It writes checkpoint/src/test/resources/reference/keras_hdf5.json,
    which Hdf5CorpusTest reads, so the tests need no h5py.

Rerun (from the repository root; apt-get install python3-h5py)
    /usr/bin/python3 checkpoint/src/test/python/keras_hdf5_reference.py [OUT.json]
    The output depends only on the corpus: a rerun writes the same bytes.
"""

import hashlib
import io
import json
import os
import sys
import zipfile

import h5py
import numpy as np

OUT = os.path.join("checkpoint", "src", "test", "resources", "reference", "keras_hdf5.json")
SIGNATURE = b"\x89HDF\r\n\x1a\n"
LONG_STRING = 200


def corpus_folder():
    """shared/keras-files, searched upwards from here as the Java tests do."""
    here = os.path.abspath(os.getcwd())
    while True:
        candidate = os.path.join(here, "shared", "keras-files")
        if os.path.isdir(candidate):
            return candidate
        parent = os.path.dirname(here)
        if parent == here:
            sys.exit("shared/keras-files not found above " + os.getcwd())
        here = parent


def hdf5_files(folder):
    """(corpus file, zip entry or None, bytes) for every HDF5 file of the corpus."""
    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name)
        if not os.path.isfile(path):
            continue
        with open(path, "rb") as f:
            data = f.read()
        if data.startswith(SIGNATURE):
            yield name, None, data
        elif zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                if "model.weights.h5" in archive.namelist():
                    yield name, "model.weights.h5", archive.read("model.weights.h5")


def dtype_name(dtype):
    info = h5py.check_string_dtype(dtype)
    if info is not None:
        return "variable-length string" if info.length is None else "fixed-length string"
    return dtype.name


def text(value):
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def string_entry(value):
    if len(value) > LONG_STRING:
        return {"length": len(value), "sha256": hashlib.sha256(value.encode("utf-8")).hexdigest()}
    return value


def attribute(owner, name, attrs):
    raw = attrs.get_id(name)
    dtype, shape = raw.dtype, raw.shape
    value = attrs[name]
    # A null dataspace (h5py.Empty) has no shape; Kiln reads it as shape [0].
    entry = {"object": owner, "name": name, "dtype": dtype_name(dtype), "shape": [0] if shape is None else list(shape)}
    if shape is None:
        entry["numbers" if h5py.check_string_dtype(dtype) is None else "strings"] = []
    elif h5py.check_string_dtype(dtype) is not None:
        values = [text(v) for v in np.asarray(value, dtype=object).reshape(-1)]
        entry["strings"] = [string_entry(v) for v in values]
    else:
        entry["numbers"] = [float(v) for v in np.asarray(value).reshape(-1)]
    return entry


def dataset(path, d):
    if d.id.get_storage_size() == 0 and d.size > 0:
        # Never written: h5py reads the fill value, Kiln says the dataset has no data.
        return {"path": path, "shape": list(d.shape), "dtype": dtype_name(d.dtype), "written": False}
    values = d[()]
    if h5py.check_string_dtype(d.dtype) is not None:
        strings = [text(v) for v in np.asarray(values, dtype=object).reshape(-1)]
        return {"path": path, "shape": list(d.shape), "dtype": dtype_name(d.dtype), "strings": [string_entry(v) for v in strings]}
    array = np.asarray(values)
    little = array.astype(array.dtype.newbyteorder("<"))
    return {"path": path, "shape": list(d.shape), "dtype": dtype_name(d.dtype),
            "sha256": hashlib.sha256(little.tobytes()).hexdigest(), "sum": float(array.astype(np.float64).sum())}


def walk(group, path, out):
    out["groups"].append(path)
    for name in group.attrs:
        out["attributes"].append(attribute(path, name, group.attrs))
    for name in sorted(group.keys(), key=lambda n: n.encode("utf-8")):
        child = group[name]
        child_path = (path if path != "/" else "") + "/" + name
        if isinstance(child, h5py.Group):
            walk(child, child_path, out)
        else:
            for attr in child.attrs:
                out["attributes"].append(attribute(child_path, attr, child.attrs))
            out["datasets"].append(dataset(child_path, child))


def describe(data, entry=None):
    """What h5py reads in the HDF5 file whose bytes are data."""
    out = {"entry": entry, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data),
           "groups": [], "datasets": [], "attributes": []}
    with h5py.File(io.BytesIO(data), "r") as f:
        walk(f, "/", out)
    return out


def main(argv):
    folder = corpus_folder()
    files = {}
    for name, entry, data in hdf5_files(folder):
        files[name] = describe(data, entry)
    document = {"about": "Every HDF5 file of shared/keras-files as h5py " + h5py.version.version + " on HDF5 "
                         + h5py.version.hdf5_version + " reads it (checkpoint/src/test/python/keras_hdf5_reference.py): "
                         "groups, datasets (shape, dtype, SHA-256 of the little-endian values, sum) and attributes, "
                         "children in name order",
                "files": files}
    with open(argv[1] if len(argv) > 1 else OUT, "w") as out:
        out.write(json.dumps(document, indent=1, allow_nan=False, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main(sys.argv)
