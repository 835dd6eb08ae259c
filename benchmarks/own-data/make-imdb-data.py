#!/usr/bin/env python3
"""Turns the IMDB archive into "your own data" for kiln train measurements.

  make-imdb-data.py ARCHIVE csv OUT.csv [--mb N] [--split train|test]
      a CSV (text,label: neg/pos) of the split's reviews, repeated until the file has N megabytes
      (default: one copy of the split)
  make-imdb-data.py ARCHIVE folder OUT_DIR [--split train|test]
      a folder of class folders: OUT_DIR/neg/*.txt, OUT_DIR/pos/*.txt

The reviews are in the archive's order, shuffled once with a fixed seed so a cut keeps both labels.
"""
import argparse, csv, os, random, re, tarfile

p = argparse.ArgumentParser()
p.add_argument("archive"); p.add_argument("kind", choices=["csv", "folder"]); p.add_argument("out")
p.add_argument("--mb", type=float, default=0); p.add_argument("--split", default="train")
a = p.parse_args()
pattern = re.compile(r"(?:.*/)?aclImdb/(train|test)/(pos|neg)/(\d+)_(\d+)\.txt$")
reviews = []
with tarfile.open(a.archive) as tar:
    for member in tar:
        m = pattern.match(member.name)
        if m and m.group(1) == a.split:
            reviews.append((tar.extractfile(member).read().decode("utf-8"), m.group(2), m.group(3), m.group(4)))
random.Random(42).shuffle(reviews)
if a.kind == "folder":
    for text, label, rid, rating in reviews:
        os.makedirs(os.path.join(a.out, label), exist_ok=True)
        with open(os.path.join(a.out, label, f"{rid}_{rating}.txt"), "w", encoding="utf-8") as f:
            f.write(text)
else:
    limit = a.mb * 1e6
    with open(a.out, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["text", "label"])
        copies = 0
        while True:
            for text, label, _, _ in reviews:
                w.writerow([text, label])
            copies += 1
            if f.tell() >= limit:
                break
print(f"wrote {a.out}")
