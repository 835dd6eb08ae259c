"""The tutorial's two models in PyTorch, trained on the very batches Kiln trained on (exported by
EndToEndHarness --export), to compare step times on the same machine in the same run.

seed:    Embedding(1000, 64, padding_idx=0) -> bidirectional LSTM(64) -> concat of the two final states
         -> Dense(64, relu) -> Dense(1)
stacked: Embedding(1000, 64, padding_idx=0) -> bidirectional LSTM(64) returning its sequence
         -> bidirectional LSTM(32) -> concat of the two final states -> Dense(64, relu) -> Dropout(0.5) -> Dense(1)
Both: BCEWithLogitsLoss, Adam(1e-4, eps=1e-7). Two ways to run the recurrence over sequences of
different lengths, both exact (--check shows it):
  packed: nn.LSTM(bidirectional) over pack_padded_sequence (no work on padding, like Kiln); in the
          stacked model the first LSTM's PackedSequence feeds the second directly;
  masked: one nn.LSTM per direction over the padded batch, the backward one on each sequence
          reversed within its length, the final state gathered at each sequence's last real token
          (work is spent on padding, but the whole batch runs as dense GEMMs). In the stacked model
          the second layer reads, at each position, the forward output and the backward output
          re-aligned to that position (as Keras's Bidirectional returns it); what the first layer
          computes past a sequence's length never reaches a gathered state (each direction runs from
          the sequence's first real step), so it needs no zeroing.
Then inference (no_grad, dropout off) over the same batches.

Usage: bilstm_peer.py BATCHES_FILE THREADS packed|masked [--model seed|stacked]
       bilstm_peer.py --check BATCHES_FILE [--model seed|stacked] [--batches 2]
           float64: packed and masked from the same weights, the same dropout mask; compares the loss
           and every gradient on the first batches (with an Adam step after each), then inference
       bilstm_peer.py --parameters [--model seed|stacked]
"""
import argparse
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


def reversed_within_length(lengths, steps):
    """Index (batch, steps): position t of the reversed sequence is token len-1-t; padding stays at the end.

    Its own inverse: gathering with it again puts a reversed sequence back in place."""
    positions = torch.arange(steps).view(1, -1)
    return torch.where(positions < lengths.view(-1, 1), lengths.view(-1, 1) - 1 - positions, positions)


def gather_steps(sequences, index):
    """sequences (batch, steps, features) reordered along the steps by index (batch, steps)."""
    return torch.gather(sequences, 1, index.unsqueeze(2).expand(-1, -1, sequences.shape[2]))


def at_last_token(sequences, lengths):
    """Each sequence's output at its last real token: (batch, features)."""
    last = (lengths.clamp(min=1) - 1).view(-1, 1, 1).expand(-1, 1, sequences.shape[2])
    return sequences.gather(1, last).squeeze(1)


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
        reverse = reversed_within_length(lengths, ids.shape[1])
        x = self.embedding(ids)
        forward_out, _ = self.forward_lstm(x)
        backward_out, _ = self.backward_lstm(gather_steps(x, reverse))
        features = torch.cat([at_last_token(forward_out, lengths), at_last_token(backward_out, lengths)], dim=1)
        return self.out(torch.relu(self.dense(features))).squeeze(1)


class PackedStackedModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(1000, 64, padding_idx=0)
        self.lstm = nn.LSTM(64, 64, batch_first=True, bidirectional=True)
        self.lstm_2 = nn.LSTM(128, 32, batch_first=True, bidirectional=True)
        self.dense = nn.Linear(64, 64)
        self.dropout = nn.Dropout(0.5)
        self.out = nn.Linear(64, 1)

    def forward(self, ids, lengths):
        packed = pack_padded_sequence(self.embedding(ids), lengths.clamp(min=1), batch_first=True, enforce_sorted=False)
        sequences, _ = self.lstm(packed)  # a PackedSequence: both directions' outputs at each real token
        _, (h, _) = self.lstm_2(sequences)
        features = torch.cat([h[0], h[1]], dim=1)
        return self.out(self.dropout(torch.relu(self.dense(features)))).squeeze(1)


class MaskedStackedModel(nn.Module):
    """The stacked model over the padded batch (see the module's docstring)."""

    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(1000, 64, padding_idx=0)
        self.forward_lstm = nn.LSTM(64, 64, batch_first=True)
        self.backward_lstm = nn.LSTM(64, 64, batch_first=True)
        self.forward_lstm_2 = nn.LSTM(128, 32, batch_first=True)
        self.backward_lstm_2 = nn.LSTM(128, 32, batch_first=True)
        self.dense = nn.Linear(64, 64)
        self.dropout = nn.Dropout(0.5)
        self.out = nn.Linear(64, 1)

    def forward(self, ids, lengths):
        lengths = lengths.clamp(min=1)  # as the packed model: an empty review reads its one padding token
        reverse = reversed_within_length(lengths, ids.shape[1])
        x = self.embedding(ids)
        forward_out, _ = self.forward_lstm(x)  # at positions
        backward_out, _ = self.backward_lstm(gather_steps(x, reverse))  # reversed within each length
        # The second layer's forward direction reads the first layer's outputs at positions (the backward
        # ones re-aligned); its backward direction reads them reversed within each length (the forward ones
        # reversed, the backward ones as they came out).
        forward_out_2, _ = self.forward_lstm_2(torch.cat([forward_out, gather_steps(backward_out, reverse)], dim=2))
        backward_out_2, _ = self.backward_lstm_2(torch.cat([gather_steps(forward_out, reverse), backward_out], dim=2))
        features = torch.cat([at_last_token(forward_out_2, lengths), at_last_token(backward_out_2, lengths)], dim=1)
        return self.out(self.dropout(torch.relu(self.dense(features)))).squeeze(1)


MODELS = {
    "seed": {"packed": PackedModel, "masked": MaskedModel},
    "stacked": {"packed": PackedStackedModel, "masked": MaskedStackedModel},
}


def keras_parameters(model):
    """The parameter count as Keras counts the same model: nn.LSTM keeps two bias vectors per direction
    (b_ih and b_hh, which only ever appear as their sum); Keras's LSTM has one."""
    return sum(p.numel() for name, p in model.named_parameters() if "bias_hh" not in name)


def describe(model_name):
    model = MODELS[model_name]["packed"]()
    torch_count = sum(p.numel() for p in model.parameters())
    keras_count = keras_parameters(model)
    return ("%s model: %s parameters as Keras counts them (PyTorch holds %s: nn.LSTM's second bias per direction,"
            " b_hh, %s values that only add to b_ih)"
            % (model_name, format(keras_count, ","), format(torch_count, ","), format(torch_count - keras_count, ",")))


def masked_name(packed, name):
    """The masked model's name of a packed model's parameter: lstm.weight_hh_l0_reverse -> backward_lstm.weight_hh_l0."""
    module, parameter = name.split(".", 1)
    if not isinstance(getattr(packed, module), nn.LSTM):
        return name
    direction = "backward_" if parameter.endswith("_reverse") else "forward_"
    return direction + module + "." + parameter.removesuffix("_reverse")


def check(path, model_name, count):
    """Packed and masked in float64 from the same weights: the same loss, gradients and predictions, or exit 1."""
    torch.set_default_dtype(torch.float64)
    torch.manual_seed(42)
    batches = read_batches(path)[:count]
    packed = MODELS[model_name]["packed"]()
    masked = MODELS[model_name]["masked"]()
    masked.load_state_dict({masked_name(packed, name): tensor for name, tensor in packed.state_dict().items()})
    models = {"packed": packed, "masked": masked}
    optimizers = {mode: torch.optim.Adam(m.parameters(), lr=1e-4, eps=1e-7) for mode, m in models.items()}
    loss_fn = nn.BCEWithLogitsLoss()
    tolerance = 1e-9
    worst = 0.0
    for number, (ids, lengths, labels, _) in enumerate(batches, 1):
        losses = {}
        for mode, model in models.items():
            optimizers[mode].zero_grad()
            torch.manual_seed(1000 + number)  # the same dropout mask in both (nothing else draws)
            loss = loss_fn(model(ids, lengths), labels)
            loss.backward()
            losses[mode] = loss.item()
        masked_parameters = dict(masked.named_parameters())
        gradient_difference, at = 0.0, None
        for name, parameter in packed.named_parameters():
            other = masked_parameters[masked_name(packed, name)].grad
            scale = parameter.grad.abs().max().item()
            if scale == 0:
                raise SystemExit("check: %s has no gradient on batch %d, nothing compared" % (name, number))
            difference = (parameter.grad - other).abs().max().item() / scale
            if difference > gradient_difference:
                gradient_difference, at = difference, name
        loss_difference = abs(losses["packed"] - losses["masked"]) / abs(losses["packed"])
        worst = max(worst, gradient_difference, loss_difference)
        print("check %s, batch %d (%d reviews, %d to %d tokens): loss packed %.15f, masked %.15f (relative difference %.1e);"
              " gradients of all %d tensors: largest difference %.1e of the tensor's largest entry (%s)"
              % (model_name, number, len(lengths), lengths.min().item(), lengths.max().item(), losses["packed"],
                 losses["masked"], loss_difference, len(masked_parameters), gradient_difference, at))
        for optimizer in optimizers.values():
            optimizer.step()
    with torch.no_grad():
        for model in models.values():
            model.eval()
        outputs = [(packed(ids, lengths), masked(ids, lengths)) for ids, lengths, _, _ in batches]
    prediction_difference = max((p - m).abs().max().item() / p.abs().max().item() for p, m in outputs)
    worst = max(worst, prediction_difference)
    print("check %s, inference after %d training step%s: largest difference of the logits %.1e of the largest logit"
          % (model_name, len(batches), "" if len(batches) == 1 else "s", prediction_difference))
    print("check %s: %s (largest relative difference %.1e, tolerance %.0e, float64); %s"
          % (model_name, "packed and masked agree" if worst <= tolerance else "FAILED", worst, tolerance, describe(model_name)))
    if worst > tolerance:
        sys.exit(1)


def measure(path, threads, mode, model_name):
    torch.set_num_threads(threads)
    torch.manual_seed(42)
    batches = read_batches(path)
    model = MODELS[model_name][mode]()
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
    model.eval()  # dropout off, as Keras predicts
    with torch.no_grad():
        model(batches[0][0], batches[0][1])  # warm-up, not timed
        start = time.perf_counter()
        reviews = 0
        for ids, lengths, _, _ in batches[1:]:
            model(ids, lengths)
            reviews += len(lengths)
        inference = time.perf_counter() - start
    print("torch %s %s%s, %d threads: train %d steps in %.2f s = %.1f ms/step (median %.1f ms), %.0f real tokens/s;"
          " inference %.0f reviews/s"
          % (torch.__version__, "" if model_name == "seed" else model_name + " ", mode, threads, len(times), total,
             1e3 * total / len(times), 1e3 * median, tokens / total, reviews / inference))


def main():
    parser = argparse.ArgumentParser(description="The seed or stacked model in PyTorch on exported batches.")
    parser.add_argument("batches", nargs="?", help="the file EndToEndHarness --export wrote")
    parser.add_argument("threads", nargs="?", type=int)
    parser.add_argument("mode", nargs="?", choices=["packed", "masked"])
    parser.add_argument("--model", choices=sorted(MODELS), default="seed")
    parser.add_argument("--check", action="store_true", help="packed against masked, float64, on the first batches")
    parser.add_argument("--batches", dest="count", type=int, default=2, help="how many batches --check runs")
    parser.add_argument("--parameters", action="store_true", help="print the model's parameter count")
    args = parser.parse_args()
    if args.parameters:
        print(describe(args.model))
    elif args.check:
        if args.batches is None:
            parser.error("--check needs BATCHES_FILE")
        check(args.batches, args.model, args.count)
    else:
        if args.mode is None:
            parser.error("expected BATCHES_FILE THREADS packed|masked")
        measure(args.batches, args.threads, args.mode, args.model)


if __name__ == "__main__":
    main()
