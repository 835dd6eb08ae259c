#!/usr/bin/env python3
"""Writes the Keras model configs the Keras-config tests read, as Keras itself writes them.

No Keras is installed or run: each layer's config is spelled out below key by key, in the order
and with the values of the get_config methods of the Keras versions named (read in the
keras-team/keras repository at the tags v3.10.0 and v2.11.0, and 2.1.6 for the bare-list form):

  Keras 3.10  model.to_json(): {"module", "class_name", "config", "registered_name",
              "build_config", "compile_config"}; each layer {"module", "class_name", "config",
              "registered_name"[, "build_config"]} (keras/src/saving/serialization_lib.py);
              dtype as a DTypePolicy (keras/src/layers/layer.py); initializers as
              {"module", "class_name", "config", "registered_name"}; Bidirectional writes its
              forward layer as "layer" (named forward_NAME) and "backward_layer"
              (keras/src/layers/rnn/bidirectional.py), both with zero_output_for_mask forced to
              return_sequences.
  tf.keras 2.11  model.to_json(): {"class_name", "config", "keras_version", "backend"}
              (keras/engine/training.py _updated_config); each layer {"class_name", "config"}
              (keras/saving/legacy/serialization.py); dtype a string; Embedding always carries
              batch_input_shape (its __init__ sets input_shape) and the Sequential adds an
              InputLayer named FIRST_input; RNNs write time_major and implementation.
  Keras 2.1.6  the Sequential's config is the bare list of layers (keras/models.py); only the
              first layer has batch_input_shape and dtype; glorot_uniform is VarianceScaling.

Run from the repository root: python3 checkpoint/src/test/python/keras_configs.py
"""
import json
import os

ROOT = os.path.dirname(os.path.abspath(__file__))
CHECKPOINT = os.path.join(ROOT, "..", "resources", "keras-configs")
NLP = os.path.join(ROOT, "..", "..", "..", "..", "nlp", "src", "test", "resources", "keras-configs")


# ---- Keras 3.10 -------------------------------------------------------------------------------

def k3_policy():
    return {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"}, "registered_name": None}


def k3_init(class_name, config):
    return {"module": "keras.initializers", "class_name": class_name, "config": config, "registered_name": None}


def k3_entry(class_name, config, build_shape=None):
    entry = {"module": "keras.layers", "class_name": class_name, "config": config, "registered_name": None}
    if build_shape is not None:
        entry["build_config"] = {"input_shape": build_shape}
    return entry


def k3_base(name, **keys):
    return {"name": name, "trainable": True, "dtype": k3_policy(), **keys}


def k3_input(batch_shape, dtype):
    return k3_entry("InputLayer", {"batch_shape": batch_shape, "dtype": dtype, "sparse": False, "ragged": False,
                                   "name": "input_layer"})


def k3_text_vectorization():
    return k3_entry("TextVectorization", k3_base(
        "text_vectorization", max_tokens=1000, standardize="lower_and_strip_punctuation", split="whitespace",
        ngrams=None, output_mode="int", output_sequence_length=None, pad_to_max_tokens=False, sparse=False,
        ragged=False, vocabulary=None, idf_weights=None, encoding="utf-8", vocabulary_size=1000), [None])


def k3_embedding(name, mask_zero, build_shape):
    return k3_entry("Embedding", k3_base(
        name, input_dim=1000, output_dim=64,
        embeddings_initializer=k3_init("RandomUniform", {"seed": None, "minval": -0.05, "maxval": 0.05}),
        embeddings_regularizer=None, activity_regularizer=None, embeddings_constraint=None, mask_zero=mask_zero),
        build_shape)


def k3_lstm(name, units, return_sequences, go_backwards, zero_output_for_mask, build_shape):
    return k3_entry("LSTM", k3_base(
        name, return_sequences=return_sequences, return_state=False, go_backwards=go_backwards, stateful=False,
        unroll=False, zero_output_for_mask=zero_output_for_mask, units=units, activation="tanh",
        recurrent_activation="sigmoid", use_bias=True, kernel_initializer=k3_init("GlorotUniform", {"seed": None}),
        recurrent_initializer=k3_init("Orthogonal", {"seed": None, "gain": 1.0}),
        bias_initializer=k3_init("Zeros", {}), unit_forget_bias=True, kernel_regularizer=None,
        recurrent_regularizer=None, bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
        recurrent_constraint=None, bias_constraint=None, dropout=0.0, recurrent_dropout=0.0, seed=None), build_shape)


def k3_bidirectional(name, lstm_name, units, return_sequences, build_shape):
    # Bidirectional.__init__ re-creates the layer as forward_NAME and backward_NAME (go_backwards) and forces
    # zero_output_for_mask to return_sequences; get_config writes {**Layer's, **Wrapper's "layer"} then
    # merge_mode, the forward layer as "layer" (in Wrapper's place) and backward_layer.
    forward = k3_lstm("forward_" + lstm_name, units, return_sequences, False, return_sequences, build_shape)
    backward = k3_lstm("backward_" + lstm_name, units, return_sequences, True, return_sequences, build_shape)
    return k3_entry("Bidirectional", k3_base(name, layer=forward, merge_mode="concat", backward_layer=backward),
                    build_shape)


def k3_dense(name, units, activation, build_shape):
    return k3_entry("Dense", k3_base(
        name, units=units, activation=activation, use_bias=True,
        kernel_initializer=k3_init("GlorotUniform", {"seed": None}), bias_initializer=k3_init("Zeros", {}),
        kernel_regularizer=None, bias_regularizer=None, kernel_constraint=None, bias_constraint=None), build_shape)


def k3_dropout(name, rate):
    return k3_entry("Dropout", k3_base(name, rate=rate, seed=None, noise_shape=None))


def k3_conv1d(build_shape):
    return k3_entry("Conv1D", k3_base(
        "conv1d", filters=128, kernel_size=[5], strides=[1], padding="valid", data_format="channels_last",
        dilation_rate=[1], groups=1, activation="relu", use_bias=True,
        kernel_initializer=k3_init("GlorotUniform", {"seed": None}), bias_initializer=k3_init("Zeros", {}),
        kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
        bias_constraint=None), build_shape)


def k3_global_max_pooling():
    return k3_entry("GlobalMaxPooling1D", k3_base("global_max_pooling1d", data_format="channels_last", keepdims=False))


def k3_compile_config():
    adam = {"module": "keras.optimizers", "class_name": "Adam", "config": {
        "name": "adam", "learning_rate": 9.999999747378752e-05, "weight_decay": None, "clipnorm": None,
        "global_clipnorm": None, "clipvalue": None, "use_ema": False, "ema_momentum": 0.99,
        "ema_overwrite_frequency": None, "loss_scale_factor": None, "gradient_accumulation_steps": None,
        "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-07, "amsgrad": False}, "registered_name": None}
    loss = {"module": "keras.losses", "class_name": "BinaryCrossentropy", "config": {
        "name": "binary_crossentropy", "reduction": "sum_over_batch_size", "from_logits": True,
        "label_smoothing": 0.0, "axis": -1, "dtype": None}, "registered_name": None}
    return {"optimizer": adam, "loss": loss, "loss_weights": None, "metrics": ["accuracy"], "weighted_metrics": None,
            "run_eagerly": False, "steps_per_execution": 1, "jit_compile": False}


def k3_model(layers, batch_shape):
    return {"module": "keras", "class_name": "Sequential",
            "config": {"name": "sequential", "trainable": True, "dtype": k3_policy(), "layers": layers,
                       "build_input_shape": batch_shape},
            "registered_name": None, "build_config": {"input_shape": batch_shape}, "compile_config": k3_compile_config()}


# ---- tf.keras 2.11 ----------------------------------------------------------------------------

def k2_init(class_name, config):
    return {"class_name": class_name, "config": config}


def k2_entry(class_name, config):
    return {"class_name": class_name, "config": config}


def k2_base(name, dtype="float32", **keys):
    return {"name": name, "trainable": True, "dtype": dtype, **keys}


def k2_input(name, batch_shape, dtype):
    return k2_entry("InputLayer", {"batch_input_shape": batch_shape, "dtype": dtype, "sparse": False, "ragged": False,
                                   "name": name})


def k2_text_vectorization():
    return k2_entry("TextVectorization", k2_base(
        "text_vectorization", dtype="string", max_tokens=1000, standardize="lower_and_strip_punctuation",
        split="whitespace", ngrams=None, output_mode="int", output_sequence_length=None, pad_to_max_tokens=False,
        sparse=False, ragged=False, vocabulary=None, idf_weights=None, encoding="utf-8"))


def k2_embedding(name, mask_zero, input_length):
    return k2_entry("Embedding", k2_base(
        name, batch_input_shape=[None, input_length], input_dim=1000, output_dim=64,
        embeddings_initializer=k2_init("RandomUniform", {"minval": -0.05, "maxval": 0.05, "seed": None}),
        embeddings_regularizer=None, activity_regularizer=None, embeddings_constraint=None, mask_zero=mask_zero,
        input_length=input_length))


def k2_lstm(name, units, return_sequences):
    return k2_entry("LSTM", k2_base(
        name, return_sequences=return_sequences, return_state=False, go_backwards=False, stateful=False,
        unroll=False, time_major=False, units=units, activation="tanh", recurrent_activation="sigmoid",
        use_bias=True, kernel_initializer=k2_init("GlorotUniform", {"seed": None}),
        recurrent_initializer=k2_init("Orthogonal", {"gain": 1.0, "seed": None}),
        bias_initializer=k2_init("Zeros", {}), unit_forget_bias=True, kernel_regularizer=None,
        recurrent_regularizer=None, bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
        recurrent_constraint=None, bias_constraint=None, dropout=0.0, recurrent_dropout=0.0, implementation=2))


def k2_bidirectional(name, lstm_name, units, return_sequences):
    # Wrapper.get_config serializes the layer passed in (self.layer), not the re-created copies.
    return k2_entry("Bidirectional", k2_base(name, layer=k2_lstm(lstm_name, units, return_sequences),
                                             merge_mode="concat"))


def k2_dense(name, units, activation):
    return k2_entry("Dense", k2_base(
        name, units=units, activation=activation, use_bias=True,
        kernel_initializer=k2_init("GlorotUniform", {"seed": None}), bias_initializer=k2_init("Zeros", {}),
        kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
        bias_constraint=None))


def k2_dropout(name, rate):
    return k2_entry("Dropout", k2_base(name, rate=rate, noise_shape=None, seed=None))


def k2_conv1d():
    return k2_entry("Conv1D", k2_base(
        "conv1d", filters=128, kernel_size=[5], strides=[1], padding="valid", data_format="channels_last",
        dilation_rate=[1], groups=1, activation="relu", use_bias=True,
        kernel_initializer=k2_init("GlorotUniform", {"seed": None}), bias_initializer=k2_init("Zeros", {}),
        kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
        bias_constraint=None))


def k2_model(layers, version="2.11.0"):
    return {"class_name": "Sequential", "config": {"name": "sequential", "layers": layers},
            "keras_version": version, "backend": "tensorflow"}


# ---- Keras 2.1.6: the bare list ---------------------------------------------------------------

def k21_cnn():
    glorot = {"class_name": "VarianceScaling", "config": {"scale": 1.0, "mode": "fan_avg", "distribution": "uniform",
                                                            "seed": None}}
    zeros = {"class_name": "Zeros", "config": {}}
    penalties = {"kernel_regularizer": None, "bias_regularizer": None, "activity_regularizer": None,
                 "kernel_constraint": None, "bias_constraint": None}
    layers = [
        {"class_name": "Embedding", "config": {
            "name": "embedding_1", "trainable": True, "batch_input_shape": [None, 200], "dtype": "float32",
            "input_dim": 1000, "output_dim": 64,
            "embeddings_initializer": {"class_name": "RandomUniform",
                                       "config": {"minval": -0.05, "maxval": 0.05, "seed": None}},
            "embeddings_regularizer": None, "activity_regularizer": None, "embeddings_constraint": None,
            "mask_zero": False, "input_length": 200}},
        {"class_name": "Conv1D", "config": {
            "name": "conv1d_1", "trainable": True, "filters": 128, "kernel_size": [5], "strides": [1],
            "padding": "valid", "dilation_rate": [1], "activation": "relu", "use_bias": True,
            "kernel_initializer": glorot, "bias_initializer": zeros, **penalties}},
        {"class_name": "GlobalMaxPooling1D", "config": {"name": "global_max_pooling1d_1", "trainable": True}},
        {"class_name": "Dense", "config": {
            "name": "dense_1", "trainable": True, "units": 1, "activation": "linear", "use_bias": True,
            "kernel_initializer": glorot, "bias_initializer": zeros, **penalties}},
    ]
    return {"class_name": "Sequential", "config": layers, "keras_version": "2.1.6", "backend": "tensorflow"}


# ---- the three models -------------------------------------------------------------------------

def seed_k3():
    return k3_model([k3_input([None], "string"), k3_text_vectorization(),
                     k3_embedding("embedding", True, [None, None]),
                     k3_bidirectional("bidirectional", "lstm", 64, False, [None, None, 64]),
                     k3_dense("dense", 64, "relu", [None, 128]), k3_dense("dense_1", 1, "linear", [None, 64])], [None])


def stacked_k3():
    return k3_model([k3_input([None], "string"), k3_text_vectorization(),
                     k3_embedding("embedding", True, [None, None]),
                     k3_bidirectional("bidirectional", "lstm", 64, True, [None, None, 64]),
                     k3_bidirectional("bidirectional_1", "lstm_1", 32, False, [None, None, 128]),
                     k3_dense("dense", 64, "relu", [None, 64]), k3_dropout("dropout", 0.5),
                     k3_dense("dense_1", 1, "linear", [None, 64])], [None])


def cnn_k3():
    return k3_model([k3_input([None, 200], "float32"), k3_embedding("embedding", False, [None, 200]),
                     k3_conv1d([None, 200, 64]), k3_global_max_pooling(),
                     k3_dense("dense", 1, "linear", [None, 128])], [None, 200])


def seed_k2():
    return k2_model([k2_input("text_vectorization_input", [None], "string"), k2_text_vectorization(),
                     k2_embedding("embedding", True, None), k2_bidirectional("bidirectional", "lstm", 64, False),
                     k2_dense("dense", 64, "relu"), k2_dense("dense_1", 1, "linear")])


def stacked_k2():
    return k2_model([k2_input("text_vectorization_input", [None], "string"), k2_text_vectorization(),
                     k2_embedding("embedding", True, None), k2_bidirectional("bidirectional", "lstm", 64, True),
                     k2_bidirectional("bidirectional_1", "lstm_1", 32, False), k2_dense("dense", 64, "relu"),
                     k2_dropout("dropout", 0.5), k2_dense("dense_1", 1, "linear")])


def cnn_k2():
    return k2_model([k2_input("embedding_input", [None, 200], "float32"), k2_embedding("embedding", False, 200),
                     k2_conv1d(), k2_entry("GlobalMaxPooling1D", k2_base("global_max_pooling1d",
                                                                         data_format="channels_last", keepdims=False)),
                     k2_dense("dense", 1, "linear")])


def write(folder, name, model):
    with open(os.path.join(folder, name), "w") as out:
        out.write(json.dumps(model))  # to_json is json.dumps with its defaults: one line, ", " and ": "


if __name__ == "__main__":
    write(CHECKPOINT, "cnn-keras3.json", cnn_k3())
    write(CHECKPOINT, "cnn-keras2.json", cnn_k2())
    write(CHECKPOINT, "cnn-keras2.1.json", k21_cnn())
    write(NLP, "seed-keras3.json", seed_k3())
    write(NLP, "seed-keras2.json", seed_k2())
    write(NLP, "stacked-keras3.json", stacked_k3())
    write(NLP, "stacked-keras2.json", stacked_k2())
