package dev.kiln.checkpoint.keras;

import dev.kiln.engine.layer.ActivationLayer;
import dev.kiln.engine.layer.Bidirectional;
import dev.kiln.engine.layer.CellRnn;
import dev.kiln.engine.layer.Conv1D;
import dev.kiln.engine.layer.Dense;
import dev.kiln.engine.layer.Dropout;
import dev.kiln.engine.layer.Embedding;
import dev.kiln.engine.layer.Flatten;
import dev.kiln.engine.layer.GlobalPooling1D;
import dev.kiln.engine.layer.LayerNormalization;
import dev.kiln.engine.layer.Lstm;
import dev.kiln.engine.layer.MaxPooling1D;

import java.util.List;

import static dev.kiln.checkpoint.keras.KerasInitializer.EMBEDDING_UNIFORM;
import static dev.kiln.checkpoint.keras.KerasInitializer.GLOROT_UNIFORM;
import static dev.kiln.checkpoint.keras.KerasInitializer.ONES;
import static dev.kiln.checkpoint.keras.KerasInitializer.ORTHOGONAL;
import static dev.kiln.checkpoint.keras.KerasInitializer.ZEROS;
import static dev.kiln.checkpoint.keras.KerasKey.activation;
import static dev.kiln.checkpoint.keras.KerasKey.any;
import static dev.kiln.checkpoint.keras.KerasKey.initializer;
import static dev.kiln.checkpoint.keras.KerasKey.nullOnly;
import static dev.kiln.checkpoint.keras.KerasKey.oneOf;
import static dev.kiln.checkpoint.keras.KerasKey.only;
import static dev.kiln.checkpoint.keras.KerasKey.read;
import static dev.kiln.checkpoint.keras.KerasKey.readOptional;

/**
 * The engine's Keras tables, one per class, every key Keras writes in its get_config (Keras 3.0 to
 * 3.16, tf.keras 2.0 to 2.15), in Keras 3's order. Read the table of a class top to bottom to know
 * what Kiln does with each of its keys; the keys every layer has (name, trainable, dtype,
 * batch_input_shape, activity_regularizer) come from {@link KerasLayer#builder}. A new engine
 * layer is one more entry in {@link #all()}.
 */
final class EngineTables {
    private EngineTables() {}

    /** The keys every layer (and the model) has: Kiln has no frozen layers and computes in float32. */
    static final KerasKey TRAINABLE = only(true, "Kiln trains every layer; it has no frozen layers");
    static final KerasKey FLOAT32 = KerasKey.dtype("float32");
    static final KerasKey NO_REGULARIZER = nullOnly("Kiln adds no regularization penalty to the loss");
    static final KerasKey NO_CONSTRAINT = nullOnly("Kiln applies no weight constraint");
    /** Keras 3's LoRA and quantization options, written only when set. */
    private static final KerasKey NO_LORA = nullOnly("Kiln has no LoRA adapters").notWritten();
    private static final KerasKey NOT_QUANTIZED = nullOnly("Kiln computes in float32, unquantized").notWritten();

    /** What a recurrent layer writes besides its cell's keys (Keras' RNN base class). */
    private static KerasLayer.Builder recurrent(String kerasClass, String kilnType) {
        return KerasLayer.builder(kerasClass, kilnType)
                .key("return_sequences", read())
                .key("return_state", only(false, "a Sequential model passes one output on; Kiln returns no states"))
                .key("go_backwards", read())
                .key("stateful", only(false, "Kiln starts every batch from zero state"))
                .key("unroll", any("unrolling changes how Keras runs the loop, not what it computes"))
                .key("time_major", only(false, "Kiln takes [batch, time, features]").notWritten())
                .key("zero_output_for_mask", any("it sets only the outputs at masked steps, which Kiln's packed sequences"
                        + " do not have").written(false));
    }

    /** The keys of a recurrent cell's weights and dropouts (LSTM, GRU, SimpleRNN). */
    private static KerasLayer.Builder cellWeights(KerasLayer.Builder table) {
        return table
                .key("use_bias", only(true, "Kiln's recurrent layers always have a bias"))
                .key("kernel_initializer", initializer(GLOROT_UNIFORM))
                .key("recurrent_initializer", initializer(ORTHOGONAL))
                .key("bias_initializer", initializer(ZEROS));
    }

    private static KerasLayer.Builder cellPenalties(KerasLayer.Builder table) {
        return table
                .key("kernel_regularizer", NO_REGULARIZER)
                .key("recurrent_regularizer", NO_REGULARIZER)
                .key("bias_regularizer", NO_REGULARIZER)
                .key("activity_regularizer", NO_REGULARIZER)
                .key("kernel_constraint", NO_CONSTRAINT)
                .key("recurrent_constraint", NO_CONSTRAINT)
                .key("bias_constraint", NO_CONSTRAINT)
                .key("dropout", only(0.0, "Kiln's recurrent layers have no input dropout; put a Dropout layer before"))
                .key("recurrent_dropout", only(0.0, "Kiln's recurrent layers have no recurrent dropout"))
                .key("seed", any("it seeds only the dropouts, which are 0"))
                .key("implementation", oneOf(List.of(2, 1, 0), "Keras' implementations compute the same").notWritten());
    }

    static final KerasLayer INPUT_LAYER = KerasLayer.bare(KerasLayers.INPUT_LAYER)
            .key("batch_shape", KerasKey.inputShape())
            .key("batch_input_shape", KerasKey.inputShape())
            .key("dtype", oneOf(List.of("float32", "float64", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32",
                    "uint64", "string"), "Kiln reads ids, texts and float32 values as given; a 16-bit float input would be"
                    + " rounded"))
            .key("sparse", only(false, "Kiln's inputs are dense"))
            .key("ragged", only(false, "Kiln reads padded or fixed-length inputs"))
            .key("name", any("the input layer is not a Kiln layer"))
            .key("optional", only(false, "a Sequential model's one input is required"))
            .build();

    static final KerasLayer EMBEDDING = KerasLayer.builder("Embedding", Embedding.TYPE)
            .key("input_dim", read())
            .key("output_dim", read())
            .key("embeddings_initializer", initializer(EMBEDDING_UNIFORM))
            .key("embeddings_regularizer", NO_REGULARIZER)
            .key("activity_regularizer", NO_REGULARIZER)
            .key("embeddings_constraint", NO_CONSTRAINT)
            .key("mask_zero", read())
            .key("input_length", KerasKey.inputLength())
            .key("quantization_config", NOT_QUANTIZED)
            .key("lora_rank", NO_LORA)
            .key("lora_alpha", NO_LORA)
            .takes(KerasInput.Kind.TOKEN_IDS)
            .build();

    static final KerasLayer LSTM = cellPenalties(cellWeights(recurrent("LSTM", Lstm.TYPE)
            .key("units", read())
            .key("activation", only("tanh", "Kiln's LSTM uses tanh"))
            .key("recurrent_activation", KerasKey.recurrentActivation()))
            .key("unit_forget_bias", only(true, "Kiln's LSTM starts its forget-gate bias at 1")))
            .variables(KerasVariableLayout.cell("lstm_cell"))
            .build();

    static final KerasLayer GRU = cellPenalties(cellWeights(recurrent("GRU", CellRnn.GRU_TYPE)
            .key("units", read())
            .key("activation", only("tanh", "Kiln's GRU uses tanh"))
            .key("recurrent_activation", only("sigmoid", "Kiln's GRU gates use the logistic sigmoid"))))
            .key("reset_after", read())
            .variables(KerasVariableLayout.cell("gru_cell"))
            .build();

    static final KerasLayer SIMPLE_RNN = cellPenalties(cellWeights(recurrent("SimpleRNN", CellRnn.SIMPLE_RNN_TYPE)
            .key("units", read())
            .key("activation", only("tanh", "Kiln's SimpleRNN uses tanh"))))
            .variables(KerasVariableLayout.cell("simple_rnn_cell"))
            .build();

    static final KerasLayer BIDIRECTIONAL = KerasLayer.builder("Bidirectional", Bidirectional.TYPE)
            .key("layer", KerasKey.wrapped())
            .key("merge_mode", read())
            .key("backward_layer", KerasKey.mirrorOf("layer"))
            .variables(KerasVariableLayout.wrapper())
            .build();

    static final KerasLayer DENSE = KerasLayer.builder("Dense", Dense.TYPE)
            .key("units", read())
            .key("activation", activation())
            .key("use_bias", only(true, "Kiln's Dense always has a bias"))
            .key("kernel_initializer", initializer(GLOROT_UNIFORM))
            .key("bias_initializer", initializer(ZEROS))
            .key("kernel_regularizer", NO_REGULARIZER)
            .key("bias_regularizer", NO_REGULARIZER)
            .key("kernel_constraint", NO_CONSTRAINT)
            .key("bias_constraint", NO_CONSTRAINT)
            .key("quantization_config", NOT_QUANTIZED)
            .key("lora_rank", NO_LORA)
            .key("lora_alpha", NO_LORA)
            .build();

    static final KerasLayer DROPOUT = KerasLayer.builder("Dropout", Dropout.TYPE)
            .key("rate", read())
            .key("seed", readOptional())
            .key("noise_shape", nullOnly("Kiln drops every value independently"))
            .build();

    /** Keras 3 writes rate, seed, name and dtype only; tf.keras 2's is a Dropout and writes Dropout's keys. */
    static final KerasLayer SPATIAL_DROPOUT_1D = KerasLayer.builder("SpatialDropout1D", Dropout.SPATIAL_TYPE)
            .key("trainable", TRAINABLE.notWritten())
            .key("rate", read())
            .key("seed", readOptional())
            .key("noise_shape", nullOnly("SpatialDropout1D drops whole channels").notWritten())
            .build();

    static final KerasLayer GLOBAL_AVERAGE_POOLING_1D = globalPooling("GlobalAveragePooling1D", GlobalPooling1D.AVERAGE_TYPE);
    static final KerasLayer GLOBAL_MAX_POOLING_1D = globalPooling("GlobalMaxPooling1D", GlobalPooling1D.MAX_TYPE);

    private static KerasLayer globalPooling(String kerasClass, String kilnType) {
        return KerasLayer.builder(kerasClass, kilnType)
                .key("data_format", read())
                .key("keepdims", read())
                .build();
    }

    static final KerasLayer LAYER_NORMALIZATION = KerasLayer.builder("LayerNormalization", LayerNormalization.TYPE)
            .key("axis", read())
            .key("epsilon", read())
            .key("center", read())
            .key("scale", read())
            .key("rms_scaling", only(false, "Kiln's LayerNormalization centers and scales by the variance"))
            .key("beta_initializer", initializer(ZEROS))
            .key("gamma_initializer", initializer(ONES))
            .key("beta_regularizer", NO_REGULARIZER)
            .key("gamma_regularizer", NO_REGULARIZER)
            .key("beta_constraint", NO_CONSTRAINT)
            .key("gamma_constraint", NO_CONSTRAINT)
            .build();

    static final KerasLayer CONV_1D = KerasLayer.builder("Conv1D", Conv1D.TYPE)
            .key("filters", read())
            .key("kernel_size", read())
            .key("strides", read())
            .key("padding", read())
            .key("data_format", read())
            .key("dilation_rate", read())
            .key("groups", read())
            .key("activation", activation())
            .key("use_bias", read())
            .key("kernel_initializer", initializer(GLOROT_UNIFORM))
            .key("bias_initializer", initializer(ZEROS))
            .key("kernel_regularizer", NO_REGULARIZER)
            .key("bias_regularizer", NO_REGULARIZER)
            .key("activity_regularizer", NO_REGULARIZER)
            .key("kernel_constraint", NO_CONSTRAINT)
            .key("bias_constraint", NO_CONSTRAINT)
            .key("lora_rank", NO_LORA)
            .key("lora_alpha", NO_LORA)
            .build();

    static final KerasLayer MAX_POOLING_1D = KerasLayer.builder("MaxPooling1D", MaxPooling1D.TYPE)
            .key("pool_size", read())
            .key("padding", read())
            .key("strides", readOptional())
            .key("data_format", read())
            .build();

    static final KerasLayer FLATTEN = KerasLayer.builder("Flatten", Flatten.TYPE)
            .key("data_format", readOptional())
            .build();

    static final KerasLayer ACTIVATION = KerasLayer.builder("Activation", ActivationLayer.TYPE)
            .key("activation", activation())
            .build();

    /** Every table of the engine's layers, InputLayer first. */
    static List<KerasLayer> all() {
        return List.of(INPUT_LAYER, EMBEDDING, LSTM, GRU, SIMPLE_RNN, BIDIRECTIONAL, DENSE, DROPOUT, SPATIAL_DROPOUT_1D,
                GLOBAL_AVERAGE_POOLING_1D, GLOBAL_MAX_POOLING_1D, LAYER_NORMALIZATION, CONV_1D, MAX_POOLING_1D, FLATTEN, ACTIVATION);
    }
}
