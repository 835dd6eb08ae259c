"""The seed model in PyTorch, trained on the very batches Kiln trained on (exported by
EndToEndHarness --export), to compare step times on the same machine in the same run.

Embedding(1000, 64, padding_idx=0) -> bidirectional LSTM(64) over packed sequences (no work on
padding, like Kiln's masking) -> concat of the two final states -> Dense(64, relu) -> Dense(1);
BCEWithLogitsLoss, Adam(1e-4, eps=1e-7). Usage: bilstm_peer.py BATCHES_FILE THREADS
"""
import struct
import sys
import time

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence


def read_batches(path):
    with open(path, "rb") as f:
        data = f.read()
    at = 0

    def ints(n):
        nonlocal at
        values = struct.unpack_from("<%di" % n, data, at)
        at += 4 * n
        return values

    (count,) = ints(1)
    batches = []
    for _ in range(count):
        size, tokens = ints(2)
        lengths = ints(size)
        ids = ints(tokens)
        labels = struct.unpack_from("<%df" % size, data, at)
        at += 4 * size
        padded = torch.zeros(size, max(max(lengths), 1), dtype=torch.long)
        offset = 0
        for row, length in enumerate(lengths):
            padded[row, :length] = torch.tensor(ids[offset:offset + length], dtype=torch.long)
            offset += length
        batches.append((padded, torch.tensor(lengths), torch.tensor(labels), tokens))
    return batches


class SeedModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(1000, 64, padding_idx=0)
        self.lstm = nn.LSTM(64, 64, batch_first=True, bidirectional=True)
        self.dense = nn.Linear(128, 64)
        self.out = nn.Linear(64, 1)

    def forward(self, ids, lengths):
        packed = pack_padded_sequence(self.embedding(ids), lengths.clamp(min=1), batch_first=True, enforce_sorted=False)
        _, (h, _) = self.lstm(packed)
        features = torch.cat([h[0], h[1]], dim=1)
        return self.out(torch.relu(self.dense(features))).squeeze(1)


def main():
    path, threads = sys.argv[1], int(sys.argv[2])
    torch.set_num_threads(threads)
    torch.manual_seed(42)
    batches = read_batches(path)
    model = SeedModel()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-4, eps=1e-7)
    loss_fn = nn.BCEWithLogitsLoss()

    def step(batch):
        ids, lengths, labels, _ = batch
        optimizer.zero_grad()
        loss = loss_fn(model(ids, lengths), labels)
        loss.backward()
        optimizer.step()
        return loss.item()

    step(batches[0])  # warm-up, not timed
    times = []
    tokens = 0
    for batch in batches[1:]:
        start = time.perf_counter()
        step(batch)
        times.append(time.perf_counter() - start)
        tokens += batch[3]
    total = sum(times)
    median = sorted(times)[len(times) // 2]
    print("torch %s train: %d steps in %.2f s = %.1f ms/step (median %.1f ms), %.0f real tokens/s on %d threads"
          % (torch.__version__, len(times), total, 1e3 * total / len(times), 1e3 * median, tokens / total, threads))


if __name__ == "__main__":
    main()
