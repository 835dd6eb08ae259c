#!/usr/bin/env python3
"""Reference values for Kiln's TextVectorization in every output mode.

What it is
    Keras 3's TextVectorization (keras/src/layers/preprocessing/
    text_vectorization.py, index_lookup.py, utils/numerical_utils.py),
    transcribed in plain Python and NumPy; TensorFlow is not needed. It writes
    nlp/src/test/resources/reference/text_vectorization.json, which
    TextVectorizationReferenceTest reads: per case the layer's arguments, the
    texts it adapts on, the vocabulary and idf weights adapt learns, and the
    output for a few texts (some with out-of-vocabulary tokens, one empty).
    The Java test compares everything exactly: token order, float32 values.

The formulas
    standardize   "lower": ASCII A-Z only (tf.strings.lower without an
                  encoding); "strip_punctuation": delete every match of Keras'
                  regex [!"#$%&()\\*\\+,-\\./:;<=>?@\\[\\\\\\]^_`{|}~\\'] (Python's re
                  and RE2 read this class alike: the 32 ASCII punctuation
                  characters); "lower_and_strip_punctuation": both; None: as is.
    split         "whitespace": tf.strings.split, on runs of the six ASCII
                  whitespace characters, no empty tokens; "character":
                  tf.strings.unicode_split, one token per code point; None: the
                  whole text is one token.
    ngrams        tf.strings.ngrams(tokens, widths, separator=" "), no padding:
                  for each width in order, every window left to right; an int n
                  means widths 1..n.
    adapt         token counts over all texts, document counts (texts that
                  contain the token); '' and '[UNK]' removed; order
                  np.lexsort((tokens as UTF-8 bytes, counts))[::-1] (count
                  descending, then bytes descending); keep max_tokens - 2 (int
                  mode: '' and '[UNK]' first) or max_tokens - 1 (other modes:
                  '[UNK]' first).
    idf           log(1 + texts / (1 + document count)) in float64, cast to
                  float32; '[UNK]' gets the mean of the learned weights. Keras
                  takes that mean with TensorFlow's float32 reduce_mean, whose
                  summation order depends on the CPU's vector width; here it is
                  taken in float64 and rounded to float32 (Kiln's rule). Float32
                  sums can end a few ulps away: for the first tf_idf case below,
                  1.5832417 here, 1.583241 summed in order, 1.5832413 by NumPy's
                  pairwise float32 mean.
    output        int: the ids ('[UNK]' = 1 for unknown tokens, '' = 0);
                  multi_hot: 1.0 where an id occurs; count: bincount; tf_idf:
                  float32(count) * idf (float32 product). Width: the vocabulary
                  size, or max_tokens with pad_to_max_tokens. In the vector
                  modes the mask token '' (an empty text with split None) is
                  dropped.

Rerun (from the repository root; any python3 with NumPy)
    python3 nlp/src/test/python/text_vectorization_reference.py [OUT.json]
    Output is deterministic: a rerun writes the same bytes.
"""

import json
import os
import re
import sys
from collections import Counter

import numpy as np

OUT = os.path.join("nlp", "src", "test", "resources", "reference", "text_vectorization.json")
STRIP = re.compile(r'[!"#$%&()\*\+,-\./:;<=>?@\[\\\]^_`{|}~\']')
WHITESPACE = re.compile("[ \t\n\v\f\r]+")
MASK, OOV = "", "[UNK]"

ADAPT_TEXTS = [
    "The film was great, GREAT fun!",
    "the plot: thin; the acting -- great.",
    "Not great, not bad.\tThe end",
    "Café  crème\u00a0froth; café CAFÉ",
    "zebra apple zebra apple b b ab ab abc abc",
    "\U0001F600 \ufb01 \U0001F600 \ufb01",
    "",
    "   \n ",
]
INPUTS = [
    "The great film",
    "GREAT great great, the end!",
    "never seen before words",
    "",
    "café Café \U0001F600 zebra apple",
]

# name, arguments (Keras' names; None as Kiln spells it in a config: -1, "none")
CASES = [
    ("multi_hot, bigrams", dict(output_mode="multi_hot", ngrams=2)),
    ("count, ngrams (1, 3), max_tokens 12", dict(output_mode="count", ngrams=[1, 3], max_tokens=12)),
    ("tf_idf, bigrams, max_tokens 40 padded", dict(output_mode="tf_idf", ngrams=2, max_tokens=40, pad_to_max_tokens=True)),
    ("tf_idf, max_tokens 9", dict(output_mode="tf_idf", max_tokens=9)),
    ("tf_idf, lower, character split, bigrams only", dict(output_mode="tf_idf", standardize="lower", split="character",
                                                          ngrams=[2], max_tokens=30)),
    ("count, strip_punctuation, no split", dict(output_mode="count", standardize="strip_punctuation", split="none")),
    ("multi_hot, no standardize, trigrams and unigrams", dict(output_mode="multi_hot", standardize="none", ngrams=[3, 1])),
    ("int, bigrams", dict(output_mode="int", ngrams=2, max_tokens=20)),
    ("int, character split, output_sequence_length 6", dict(output_mode="int", split="character", output_sequence_length=6)),
]
DEFAULTS = dict(max_tokens=-1, standardize="lower_and_strip_punctuation", split="whitespace", ngrams=-1, output_mode="int",
                output_sequence_length=-1, pad_to_max_tokens=False)


def ascii_lower(text):
    return "".join(chr(ord(c) + 32) if "A" <= c <= "Z" else c for c in text)


def tokens_of(text, args):
    if args["standardize"] in ("lower", "lower_and_strip_punctuation"):
        text = ascii_lower(text)
    if args["standardize"] in ("strip_punctuation", "lower_and_strip_punctuation"):
        text = STRIP.sub("", text)
    if args["split"] == "whitespace":
        tokens = [t for t in WHITESPACE.split(text) if t]
    elif args["split"] == "character":
        tokens = list(text)
    else:
        tokens = [text]
    ngrams = args["ngrams"]
    if ngrams == -1:
        return tokens
    widths = range(1, ngrams + 1) if isinstance(ngrams, int) else ngrams
    return [" ".join(tokens[i:i + w]) for w in widths for i in range(len(tokens) - w + 1)]


def adapt(args):
    counts, documents = Counter(), Counter()
    for text in ADAPT_TEXTS:
        tokens = tokens_of(text, args)
        counts.update(tokens)
        documents.update(set(tokens))
    for reserved in (MASK, OOV):
        counts.pop(reserved, None)
    tokens = list(counts)
    keys = np.array([t.encode("utf-8") for t in tokens], dtype=object)
    order = np.lexsort((keys, np.array([counts[t] for t in tokens])))[::-1]
    special = [MASK, OOV] if args["output_mode"] == "int" else [OOV]
    if args["max_tokens"] != -1:
        order = order[:args["max_tokens"] - len(special)]
    learned = [tokens[i] for i in order]
    idf = None
    if args["output_mode"] == "tf_idf":
        df = np.array([documents[t] for t in learned], dtype=np.int64)
        weights = np.log(1 + len(ADAPT_TEXTS) / (1 + df)).astype(np.float32)
        oov = np.float32(np.mean(weights.astype(np.float64)))
        idf = np.concatenate([[oov], weights]).astype(np.float32)
    return special + learned, idf


def output(text, vocabulary, idf, args):
    index = {token: i for i, token in enumerate(vocabulary)}
    if args["output_mode"] == "int":
        ids = [index.get(t, 1) for t in tokens_of(text, args)]
        length = args["output_sequence_length"]
        return ids if length == -1 else (ids + [0] * length)[:length]
    width = args["max_tokens"] if args["pad_to_max_tokens"] else len(vocabulary)
    counts = np.zeros(width, dtype=np.float32)
    for token in tokens_of(text, args):
        if token != MASK:
            counts[index.get(token, 0)] += 1
    if args["output_mode"] == "multi_hot":
        return np.minimum(counts, 1)
    if args["output_mode"] == "count":
        return counts
    padded = np.zeros(width, dtype=np.float32)
    padded[:len(idf)] = idf
    return (counts * padded).astype(np.float32)


def plain(values):
    return [v if isinstance(v, int) else float(v) for v in values]


def run(name, overrides):
    args = dict(DEFAULTS, **overrides)
    vocabulary, idf = adapt(args)
    outputs = [plain(output(text, vocabulary, idf, args)) for text in INPUTS]
    return {"name": name, "arguments": args, "vocabulary": vocabulary,
            "idf_weights": None if idf is None else plain(idf), "outputs": outputs}


def main(argv):
    document = {"about": "Keras 3 TextVectorization in plain Python/NumPy (nlp/src/test/python/"
                         "text_vectorization_reference.py): adapt on adapt_texts, then the output for each of inputs",
                "adapt_texts": ADAPT_TEXTS, "inputs": INPUTS, "cases": [run(name, args) for name, args in CASES]}
    path = argv[1] if len(argv) > 1 else OUT
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as out:
        out.write(json.dumps(document, indent=1, ensure_ascii=True, allow_nan=False) + "\n")


if __name__ == "__main__":
    main(sys.argv)
