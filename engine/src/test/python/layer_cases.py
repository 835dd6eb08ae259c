"""What the layer reference scripts share: a case of packed sequences through Keras layers, and
the writer of the JSON fixture that the Java reference tests read (ReferenceFixtures).

A case holds its packed inputs (the real steps of each sequence back to back, as Kiln holds
them), the layers' Keras configs and their weights by parameter name, in Keras' order. Its
run(through, randn) takes the script's way through the layers, through(values, weights) ->
(output, output is sequences, each output sequence's length or None), then draws the upstream
gradient with randn and lets torch's autograd compute the gradients of sum(upstream * output).
"""

import json
import re


def config(class_name, **values):
    """A layer as Keras serializes it: {"class_name", "config"}."""
    return {"class_name": class_name, "config": values}


def tolist(t):
    return t.detach().tolist()


class Case:
    """One reference case: packed values, layer configs and weights; run() gives outputs and gradients."""

    def __init__(self, name, lengths, values):
        self.name = name
        self.lengths = lengths
        self.values = values
        self.layers = []  # (Keras config, forward); forward's form is the script's
        self.weights = {}

    def weight(self, name, tensor):
        self.weights[name] = tensor
        return name

    def run(self, through, randn):
        values = self.values.clone().requires_grad_(True)
        weights = {name: w.clone().requires_grad_(True) for name, w in self.weights.items()}
        output, sequences, output_lengths = through(values, weights)
        upstream = randn(*output.shape)
        (output * upstream).sum().backward()
        result = {
            "name": self.name,
            "lengths": self.lengths,
            "values": tolist(self.values),
            "layers": [layer_config for layer_config, _ in self.layers],
            "weights": {name: tolist(w) for name, w in self.weights.items()},
            "output": tolist(output),
            "output_is_sequences": sequences,
            "upstream": tolist(upstream),
            "gradients": dict({"values": tolist(values.grad)},
                              **{name: tolist(w.grad) for name, w in weights.items()}),
        }
        if output_lengths is not None:
            result["output_lengths"] = output_lengths
        return result


def write(target, document):
    """The fixture as indented JSON with one line per innermost list of numbers (a row), not one per number."""
    text = json.dumps(document, indent=1, allow_nan=False)
    text = re.sub(r"\[\s+([-+0-9.e,\s]+?)\s+\]", lambda m: "[" + re.sub(r",\s+", ", ", m.group(1)) + "]", text)
    with open(target, "w", encoding="utf-8") as out:
        out.write(text + "\n")
    print("wrote", target, len(document["cases"]), "cases")
