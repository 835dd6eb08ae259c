package dev.kiln.nlp.demo;

import dev.kiln.checkpoint.keras.KerasConfigException;
import dev.kiln.checkpoint.keras.KerasImport;
import dev.kiln.checkpoint.keras.KerasInput;
import dev.kiln.checkpoint.keras.KerasModelConfig;
import dev.kiln.engine.layer.Layer;
import dev.kiln.engine.layer.ValueSpec;
import dev.kiln.engine.model.Sequential;
import dev.kiln.engine.random.Rng;
import dev.kiln.nlp.TextVectorization;
import dev.kiln.nlp.Tokenizer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A model given as a Keras Sequential config (--model FILE.json: what {@code model.to_json()}
 * writes, or a .keras archive's config.json), read through the Keras tables. It reads reviews, so
 * it starts with a TextVectorization (adapted on the training reviews unless the config carries
 * a vocabulary) or with an Embedding (then Kiln puts a TextVectorization of input_dim tokens in
 * front, padding or truncating to the config's input length when it gives one); and it ends in
 * the head the target needs: linear (the loss then takes logits, from_logits=True), or sigmoid
 * for two classes and softmax for more (the loss takes probabilities, from_logits=False).
 */
record KerasConfigDesign(Path file, KerasImport imported) implements ModelDesign {

    /** Reads {@code file}; a config Kiln refuses, or one that cannot read reviews, is an error naming the file. */
    static KerasConfigDesign read(Path file) throws IOException {
        KerasImport imported = KerasModelConfig.read(file, SeedModel.kerasLayers());
        KerasInput.Kind input = imported.input().kind();
        if (input != KerasInput.Kind.TEXTS && input != KerasInput.Kind.TOKEN_IDS) {
            throw new KerasConfigException(file + ": the model starts with layer '" + imported.model().layers().getFirst().name()
                    + "' (" + imported.model().layers().getFirst().config().type() + "); to read reviews it must start with"
                    + " TextVectorization or Embedding");
        }
        return new KerasConfigDesign(file, imported);
    }

    @Override
    public String label() {
        return file.toString();
    }

    @Override
    public TextVectorization encoder(int maxTokens) {
        if (imported.model().layers().getFirst() instanceof TextVectorization encoder) {
            return encoder;
        }
        int inputDim = (Integer) imported.model().layers().getFirst().config().values().get("input_dim");
        KerasInput input = imported.input();
        return new TextVectorization(inputDim, Tokenizer.keras(), input.steps().isPresent() ? input.steps().getAsInt() : null,
                "text_vectorization");
    }

    @Override
    public Sequential build(TextVectorization encoder, long seed, Target target) throws IOException {
        KerasImport whole = imported;
        if (imported.model().layers().getFirst() != encoder) { // an Embedding first: the encoder goes in front
            List<Layer> layers = new ArrayList<>(List.of(encoder));
            layers.addAll(imported.model().layers());
            Sequential model;
            try {
                model = new Sequential(layers);
            } catch (IllegalArgumentException e) {
                throw new KerasConfigException(file + ": " + e.getMessage());
            }
            whole = new KerasImport(model, imported.name(), KerasInput.texts(), imported.kerasMajorVersion(), imported.source(),
                    imported.notes());
        }
        ValueSpec output = whole.build(new Rng(seed));
        int width = target.outputs();
        Layer last = whole.model().layers().getLast();
        if (!ValueSpec.FEATURES.equals(output.kind()) || output.width() != width) {
            throw new KerasConfigException(file + ": the model gives " + output.width() + " " + output.kind() + "; "
                    + target.describe() + " needs " + width + (width == 1 ? " output" : " outputs") + " per " + target.example());
        }
        Object activation = last.config().values().get("activation");
        if (activation != null && !activation.equals("linear") && !activation.equals(target.probabilityActivation())) {
            throw new KerasConfigException(file + ": the last layer '" + last.name() + "' applies " + activation + "; "
                    + target.describe() + " needs a linear last layer (logits, from_logits=True)"
                    + (target.task() == Target.Task.REGRESSION ? "" : " or " + target.probabilityActivation()
                    + " (probabilities, from_logits=False)"));
        }
        whole.model().setClassNames(target.classNames());
        return whole.model();
    }
}
