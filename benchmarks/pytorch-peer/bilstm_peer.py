"""The seed model in PyTorch, trained on the very batches Kiln trained on (exported by
EndToEndHarness --export), to compare step times on the same machine in the same run.

Embedding(1000, 64, padding_idx=0) -> bidirectional LSTM(64) -> concat of the two final states
-> Dense(64, relu) -> Dense(1); BCEWithLogitsLoss, Adam(1e-4, eps=1e-7). Two ways to run the
recurrence over sequences of different lengths, both exact:
  packed: nn.LSTM(bidirectional) over pack_padded_sequence (no work on padding, like Kiln);
  masked: two nn.LSTM over the padded batch, the backward one on each sequence reversed within
          its length, the final state gathered at each sequence's last real token (work is spent
          on padding, but the whole batch runs as dense GEMMs).
Then inference (no_grad) over the same batches. Usage: bilstm_peer.py BATCHES_FILE THREADS MODE
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


class PackedModel(nn.Module):
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


class MaskedModel(nn.Module):
    """The same model over the padded batch: each direction's final state taken at the last real token."""

    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(1000, 64, padding_idx=0)
        self.forward_lstm = nn.LSTM(64, 64, batch_first=True)
        self.backward_lstm = nn.LSTM(64, 64, batch_first=True)
        self.dense = nn.Linear(128, 64)
        self.out = nn.Linear(64, 1)

    def forward(self, ids, lengths):
        steps = ids.shape[1]
        last = (lengths.clamp(min=1) - 1).view(-1, 1, 1).expand(-1, 1, 64)
        positions = torch.arange(steps).view(1, -1)
        # Position t of the reversed sequence is token len-1-t; padding stays at the end.
        reverse = torch.where(positions < lengths.view(-1, 1), lengths.view(-1, 1) - 1 - positions, positions)
        x = self.embedding(ids)
        forward_out, _ = self.forward_lstm(x)
        backward_out, _ = self.backward_lstm(torch.gather(x, 1, reverse.unsqueeze(2).expand(-1, -1, 64)))
        features = torch.cat([forward_out.gather(1, last).squeeze(1), backward_out.gather(1, last).squeeze(1)], dim=1)
        return self.out(torch.relu(self.dense(features))).squeeze(1)


def main():
    path, threads, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    torch.set_num_threads(threads)
    torch.manual_seed(42)
    batches = read_batches(path)
    model = {"packed": PackedModel, "masked": MaskedModel}[mode]()
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
    with torch.no_grad():
        model(batches[0][0], batches[0][1])  # warm-up, not timed
        start = time.perf_counter()
        reviews = 0
        for ids, lengths, _, _ in batches[1:]:
            model(ids, lengths)
            reviews += len(lengths)
        inference = time.perf_counter() - start
    print("torch %s %s, %d threads: train %d steps in %.2f s = %.1f ms/step (median %.1f ms), %.0f real tokens/s;"
          " inference %.0f reviews/s"
          % (torch.__version__, mode, threads, len(times), total, 1e3 * total / len(times), 1e3 * median, tokens / total,
             reviews / inference))


if __name__ == "__main__":
    main()
