#!/usr/bin/python3
"""Dumps HDF5 files as h5py reads them, one line per object, for Hdf5WriterTest.

Usage: /usr/bin/python3 checkpoint/src/test/python/hdf5_dump.py FILE...  (Debian's python3-h5py)
Prints one JSON object: {file: [line, ...]} or {file: {"error": message}} when h5py cannot open it.
Lines, in walk order (attributes by name) (depth first, children by name bytewise, as HDF5 lists them):
  G /path                                   a group
  D /path dtype [dims] contiguous sha256    a dataset: NumPy dtype, shape, layout and the SHA-256 of
                                            its values as little-endian bytes
  A /path @name type [dims] = v1,v2,...     an attribute; type is vlen-utf8, vlen-ascii,
                                            fixed-ascii-W (W bytes, NUL-padded), int64 or float64;
                                            strings as the hex of their UTF-8 bytes, numbers as the
                                            hex of their little-endian bytes
Every file is read in full here; nothing is written.
"""
import hashlib
import json
import sys

import h5py
import numpy as np


def attribute_line(path, obj, name):
    aid = obj.attrs.get_id(name)
    t = aid.get_type()
    dims = list(aid.shape) if aid.shape is not None else []
    if t.get_class() == h5py.h5t.STRING:
        cset = "utf8" if t.get_cset() == h5py.h5t.CSET_UTF8 else "ascii"
        if t.is_variable_str():
            kind = "vlen-" + cset
        else:
            pad = {h5py.h5t.STR_NULLPAD: "", h5py.h5t.STR_NULLTERM: "-nullterm", h5py.h5t.STR_SPACEPAD: "-spacepad"}[t.get_strpad()]
            kind = "fixed-%s-%d%s" % (cset, t.get_size(), pad)
        raw = obj.attrs[name]
        values = [raw] if not dims else list(np.asarray(raw).reshape(-1))
        cells = [(v.encode("utf-8") if isinstance(v, str) else bytes(v)).hex() for v in values]
    else:
        value = np.asarray(obj.attrs[name])
        kind = str(value.dtype)
        cells = [np.asarray(v).astype(value.dtype.newbyteorder("<")).tobytes().hex() for v in value.reshape(-1)]
    return "A %s @%s %s %s = %s" % (path, name, kind, json.dumps(dims, separators=(",", ":")), ",".join(cells))


def walk(group, path, lines):
    lines.append("G " + path)
    for name in sorted(group.attrs.keys(), key=lambda k: k.encode("utf-8")):
        lines.append(attribute_line(path, group, name))
    for name in sorted(group.keys(), key=lambda k: k.encode("utf-8")):
        child = group[name]
        child_path = (path.rstrip("/") + "/" + name)
        if isinstance(child, h5py.Group):
            walk(child, child_path, lines)
        else:
            layout = child.id.get_create_plist().get_layout()
            data = np.asarray(child[()])
            digest = hashlib.sha256(data.astype(data.dtype.newbyteorder("<")).tobytes()).hexdigest()
            lines.append("D %s %s %s %s %s" % (child_path, data.dtype, json.dumps(list(child.shape), separators=(",", ":")),
                                              "contiguous" if layout == h5py.h5d.CONTIGUOUS else "layout-%d" % layout, digest))
            for attr in child.attrs.keys():
                lines.append(attribute_line(child_path, child, attr))


def main():
    out = {}
    for file in sys.argv[1:]:
        try:
            with h5py.File(file, "r") as h5:
                lines = []
                walk(h5, "/", lines)
                out[file] = lines
        except Exception as e:  # reported per file: the test names the file h5py refused
            out[file] = {"error": "%s: %s" % (type(e).__name__, e)}
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
