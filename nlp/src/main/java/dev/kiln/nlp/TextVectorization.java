package dev.kiln.nlp;

import dev.kiln.engine.autodiff.Ops;
import dev.kiln.engine.autodiff.Variable;
import dev.kiln.engine.json.JsonValues;
import dev.kiln.engine.kernel.ComputePool;
import dev.kiln.engine.layer.FeatureBatch;
import dev.kiln.engine.layer.Layer;
import dev.kiln.engine.layer.LayerValue;
import dev.kiln.engine.layer.ParameterSource;
import dev.kiln.engine.layer.TokenBatch;
import dev.kiln.engine.layer.ValueSpec;
import dev.kiln.engine.part.PartConfig;
import dev.kiln.engine.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Keras' TextVectorization: texts to token ids ({@code output_mode} "int") or to one vector per
 * text ("multi_hot", "count", "tf_idf"). A text is standardized and split ({@link Tokenizer}),
 * its tokens recombined into n-grams ({@link Ngrams}), and each token looked up in the vocabulary.
 * The vocabulary is learned by {@link #adapt} or set directly, and it is part of the layer's
 * config (with the idf weights in tf_idf mode), so a saved model carries it.
 *
 * <p>In int mode index 0 is '' (padding, Keras' mask token), 1 is '[UNK]' (every
 * out-of-vocabulary token), learned tokens follow; as the first layer of a model it takes
 * {@link Texts} and emits a {@link TokenBatch} of the texts' true lengths (no padding), or with
 * outputSequenceLength N rows truncated or padded with 0 to exactly N.
 *
 * <p>In the other modes the vocabulary has no mask token: index 0 is '[UNK]', learned tokens
 * follow, and an empty token (split none on an empty text) is dropped, as Keras drops its mask
 * token. Each text becomes a row of a {@link FeatureBatch} [batch, width] (no mask), width the
 * vocabulary's size, or maxTokens with padToMaxTokens: multi_hot 1 where a vocabulary entry
 * occurs, count its occurrences, tf_idf the count times the entry's idf weight. adapt learns the
 * weights as Keras does: log(1 + texts / (1 + texts containing the token)) in double precision,
 * rounded to float32, and for '[UNK]' the mean of the learned tokens' weights (taken in double,
 * rounded to float32; TensorFlow's float32 reduce_mean may differ in the last bit).
 *
 * <p>maxTokens counts the special entries: int mode learns maxTokens - 2 tokens, the others
 * maxTokens - 1.
 */
public final class TextVectorization implements Layer {
    /** The Keras class name: the type of this layer's config and its registry key. */
    public static final String TYPE = "TextVectorization";
    /** Int mode's vocabulary entry 0, padding (Keras' mask token); never a token of the other modes. */
    public static final String MASK_TOKEN = "";
    /** The entry for every token outside the vocabulary (Keras' OOV token): 1 in int mode, 0 in the others. */
    public static final String OOV_TOKEN = "[UNK]";
    /** Int mode's id of '[UNK]'. */
    static final int OOV_ID = 1;
    /**
     * The longest output_sequence_length a layer accepts: every text of a batch is padded to it,
     * so a file cannot make a prediction allocate without bound.
     */
    public static final int MAX_SEQUENCE_LENGTH = 1 << 16;
    /**
     * The largest max_tokens a layer that pads to it (pad_to_max_tokens in a vector mode) accepts:
     * every text's row is that wide, so a file cannot make a prediction allocate without bound. It
     * is about the largest vocabulary a model file's metadata can hold, so padding never makes a
     * row wider than an unpadded one could be.
     */
    public static final int MAX_PADDED_WIDTH = 1 << 20;
    /**
     * Every key a config may have, in the order {@link #config()} writes them (Keras' names;
     * Keras' other keys, sparse, ragged, encoding and vocabulary_size, are not taken). Kiln spells
     * Keras' None as -1 for max_tokens, output_sequence_length and ngrams (absent means the same)
     * and as "none" for standardize and split (which must be present: Keras' default for them is
     * not None). idf_weights is written in tf_idf mode only, one per vocabulary entry.
     */
    public static final List<String> CONFIG_KEYS = List.of("name", "max_tokens", "standardize", "split", "ngrams",
            "output_mode", "output_sequence_length", "pad_to_max_tokens", "vocabulary", "idf_weights");
    private static final List<String> STANDARDIZE_NAMES = kerasNames(Tokenizer.Standardize.values());
    private static final List<String> SPLIT_NAMES = kerasNames(Tokenizer.Split.values());

    /** Keras' output_mode: what the layer emits for each text. */
    public enum OutputMode {
        /** One id per token (Keras' default). */
        INT,
        /** 1 for every vocabulary entry the text has, 0 elsewhere. */
        MULTI_HOT,
        /** How often the text has each vocabulary entry. */
        COUNT,
        /** The count times the entry's inverse document frequency. */
        TF_IDF;

        /** Keras' name: "int", "multi_hot", "count" or "tf_idf". */
        public String kerasName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The mode of a Keras name, Keras' deprecated "binary" (multi_hot) and "tf-idf" included; null for another name. */
        public static OutputMode fromKerasName(String name) {
            for (OutputMode mode : values()) {
                if (mode.kerasName().equals(name)) {
                    return mode;
                }
            }
            return "binary".equals(name) ? MULTI_HOT : "tf-idf".equals(name) ? TF_IDF : null;
        }

        /** The index of the first learned token: after '' and '[UNK]' in int mode, after '[UNK]' in the others. */
        int tokenStart() {
            return this == INT ? 2 : 1;
        }
    }

    private final Integer maxTokens;
    private final Tokenizer tokenizer;
    private final Ngrams ngrams;
    private final OutputMode outputMode;
    private final Integer outputSequenceLength;
    private final boolean padToMaxTokens;
    private final String name;
    private List<String> vocabulary;
    private TokenTable index;
    private float[] idfWeights;
    /** The output width a model was built with (vector modes without padding); -1 before. */
    private int builtWidth = -1;

    private TextVectorization(Builder options) {
        this.maxTokens = options.maxTokens;
        this.tokenizer = options.tokenizer;
        this.ngrams = options.ngrams;
        this.outputMode = options.outputMode;
        this.outputSequenceLength = options.outputSequenceLength;
        this.padToMaxTokens = options.padToMaxTokens;
        this.name = options.name;
        int least = outputMode.tokenStart() + 1;
        if (maxTokens != null && (maxTokens < least || maxTokens > PartConfig.MAX_DIMENSION)) {
            throw new IllegalArgumentException("TextVectorization: maxTokens must be from " + least + " to "
                    + PartConfig.MAX_DIMENSION + " (" + String.join(" and ", quoted(specialTokens())) + " count), got " + maxTokens);
        }
        if (outputSequenceLength != null && outputMode != OutputMode.INT) {
            throw new IllegalArgumentException("TextVectorization: outputSequenceLength must not be set when output_mode is '"
                    + outputMode.kerasName() + "', only 'int' pads or truncates");
        }
        if (outputSequenceLength != null && (outputSequenceLength < 1 || outputSequenceLength > MAX_SEQUENCE_LENGTH)) {
            throw new IllegalArgumentException("TextVectorization: outputSequenceLength must be from 1 to " + MAX_SEQUENCE_LENGTH
                    + ", got " + outputSequenceLength);
        }
        if (padToMaxTokens && maxTokens == null) {
            throw new IllegalArgumentException("TextVectorization: padToMaxTokens needs maxTokens (Keras: if pad_to_max_tokens"
                    + " is True, must set max_tokens)");
        }
        if (padToMaxTokens && outputMode != OutputMode.INT && maxTokens > MAX_PADDED_WIDTH) {
            throw new IllegalArgumentException("TextVectorization: with padToMaxTokens, maxTokens is every row's width and"
                    + " may be at most " + MAX_PADDED_WIDTH + ", got " + maxTokens);
        }
    }

    /**
     * Output mode int, no n-grams, no padding to maxTokens.
     *
     * @param maxTokens            vocabulary size including '' and '[UNK]', or null for no limit (>= 3 when given)
     * @param outputSequenceLength pad or truncate every output to this length, or null for the true lengths
     */
    public TextVectorization(Integer maxTokens, Tokenizer tokenizer, Integer outputSequenceLength, String name) {
        this(builder().maxTokens(maxTokens).tokenizer(tokenizer).outputSequenceLength(outputSequenceLength).name(name));
    }

    /** TextVectorization(max_tokens=maxTokens) with Keras' defaults. */
    public TextVectorization(int maxTokens) {
        this(builder().maxTokens(maxTokens));
    }

    /** Options with Keras' defaults, each settable: {@code builder().maxTokens(10_000).outputMode(TF_IDF).ngrams(Ngrams.upTo(2)).build()}. */
    public static Builder builder() {
        return new Builder();
    }

    /** TextVectorization's arguments, Keras' defaults until set; {@link #build} checks them together. */
    public static final class Builder {
        private Integer maxTokens;
        private Tokenizer tokenizer = Tokenizer.keras();
        private Ngrams ngrams = Ngrams.none();
        private OutputMode outputMode = OutputMode.INT;
        private Integer outputSequenceLength;
        private boolean padToMaxTokens;
        private String name = "text_vectorization";

        private Builder() {}

        /** The vocabulary's size, special entries included; null (the default) for no limit. */
        public Builder maxTokens(Integer maxTokens) {
            this.maxTokens = maxTokens;
            return this;
        }

        /** The standardize and split rules (default {@link Tokenizer#keras()}). */
        public Builder tokenizer(Tokenizer tokenizer) {
            this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
            return this;
        }

        /** The n-grams (default {@link Ngrams#none()}). */
        public Builder ngrams(Ngrams ngrams) {
            this.ngrams = Objects.requireNonNull(ngrams, "ngrams");
            return this;
        }

        /** What the layer emits (default {@link OutputMode#INT}). */
        public Builder outputMode(OutputMode outputMode) {
            this.outputMode = Objects.requireNonNull(outputMode, "outputMode");
            return this;
        }

        /** Int mode only: pad or truncate every text's ids to this length; null (the default) for the true lengths. */
        public Builder outputSequenceLength(Integer outputSequenceLength) {
            this.outputSequenceLength = outputSequenceLength;
            return this;
        }

        /** Vector modes: every row maxTokens wide whatever the vocabulary's size (needs maxTokens; ignored in int mode, as Keras does). */
        public Builder padToMaxTokens(boolean padToMaxTokens) {
            this.padToMaxTokens = padToMaxTokens;
            return this;
        }

        /** The layer's name (default "text_vectorization"). */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /** The layer, without a vocabulary yet; an error names the argument Keras' rules refuse. */
        public TextVectorization build() {
            return new TextVectorization(this);
        }
    }

    /**
     * Rebuilds a saved layer, validating its config ({@link #CONFIG_KEYS}) with Keras' rules:
     * max_tokens -1 (None) or from 3 (int mode; 2 in the others) to 2^24, standardize and split
     * built in (a custom function cannot be restored), ngrams -1, 1 to {@link Ngrams#MAX_WIDTH} or
     * a list of such widths, output_mode "int", "multi_hot" (or "binary"), "count" or "tf_idf" (or
     * "tf-idf"), output_sequence_length -1 or 1 to {@link #MAX_SEQUENCE_LENGTH} and only in int mode,
     * pad_to_max_tokens only with max_tokens (at most {@link #MAX_PADDED_WIDTH} in a vector mode), a
     * non-empty vocabulary of distinct tokens that fits max_tokens (a saved model must be able to
     * encode text), and in tf_idf mode, and only there, one finite idf weight >= 0 per vocabulary
     * entry. Absent keys other than name, standardize, split, output_mode and vocabulary take Keras'
     * defaults.
     */
    public static TextVectorization fromConfig(PartConfig config) {
        return fromConfig(config, true);
    }

    /**
     * {@link #fromConfig(PartConfig)}, or with {@code vocabularyRequired} false a config without
     * a vocabulary gives a layer still to adapt (Keras writes an adapted layer's vocabulary as an
     * asset, not in its config).
     */
    static TextVectorization fromConfig(PartConfig config, boolean vocabularyRequired) {
        config.requireOnly(CONFIG_KEYS);
        String name = config.getName();
        for (String key : List.of("standardize", "split")) {
            if ("custom".equals(config.values().get(key))) {
                throw config.error(key, "is 'custom': a custom function cannot be restored from a config");
            }
        }
        Tokenizer.Standardize standardize = Tokenizer.Standardize.valueOf(
                config.getChoice("standardize", STANDARDIZE_NAMES).toUpperCase(Locale.ROOT));
        Tokenizer.Split split = Tokenizer.Split.valueOf(config.getChoice("split", SPLIT_NAMES).toUpperCase(Locale.ROOT));
        OutputMode mode = OutputMode.fromKerasName(config.values().get("output_mode") instanceof String text ? text : null);
        if (mode == null) {
            throw config.invalid("output_mode", config.values().get("output_mode"), "one of [int, multi_hot, count, tf_idf]"
                    + " (or Keras' old names binary, tf-idf)");
        }
        Integer maxTokens = optionalInt(config, "max_tokens", mode.tokenStart() + 1, PartConfig.MAX_DIMENSION);
        Integer outputSequenceLength = optionalInt(config, "output_sequence_length", 1, MAX_SEQUENCE_LENGTH);
        if (outputSequenceLength != null && mode != OutputMode.INT) {
            throw config.invalid("output_sequence_length", outputSequenceLength, "-1 (none) when output_mode is '"
                    + mode.kerasName() + "': only 'int' pads or truncates");
        }
        boolean pad = config.getBoolean("pad_to_max_tokens", false);
        if (pad && maxTokens == null) {
            throw config.error("pad_to_max_tokens", "is true but max_tokens is -1 (none): padding to max_tokens needs it");
        }
        if (pad && mode != OutputMode.INT && maxTokens > MAX_PADDED_WIDTH) {
            throw config.invalid("max_tokens", maxTokens, "at most " + MAX_PADDED_WIDTH + " with pad_to_max_tokens (every"
                    + " row is that wide)");
        }
        TextVectorization layer = builder().maxTokens(maxTokens).tokenizer(Tokenizer.of(standardize, split))
                .ngrams(Ngrams.fromConfig(config, "ngrams")).outputMode(mode).outputSequenceLength(outputSequenceLength)
                .padToMaxTokens(pad).name(name).build();
        if (!vocabularyRequired && !config.values().containsKey("vocabulary")) {
            return layer;
        }
        List<String> saved = config.getStrings("vocabulary");
        if (saved.isEmpty()) {
            throw config.error("vocabulary", "is empty; a saved model needs the vocabulary it was trained with (adapt or"
                    + " setVocabulary before saving)");
        }
        float[] idf = idfWeights(config, mode, saved.size());
        try {
            layer.setVocabulary(saved, idf);
        } catch (IllegalArgumentException e) {
            throw config.error("vocabulary", "is not usable: " + e.getMessage().replaceFirst("^TextVectorization: ", ""));
        }
        return layer;
    }

    /** An optional integer: absent or -1 is Keras' None (null), anything else must be in [min, max]. */
    private static Integer optionalInt(PartConfig config, String key, int min, int max) {
        return config.values().containsKey(key) ? config.getOptionalInt(key, min, max) : null;
    }

    /** tf_idf's weights from a config: one finite number >= 0 per vocabulary entry; no key in the other modes. */
    private static float[] idfWeights(PartConfig config, OutputMode mode, int entries) {
        if (mode != OutputMode.TF_IDF) {
            if (config.values().containsKey("idf_weights")) {
                throw config.error("idf_weights", "is set but output_mode is '" + mode.kerasName()
                        + "': only 'tf_idf' takes idf weights");
            }
            return null;
        }
        String allowed = "a list of " + entries + " numbers >= 0 and finite in float32, one per vocabulary entry";
        Object value = config.values().get("idf_weights");
        if (!(value instanceof List<?> list) || list.size() != entries) {
            throw config.invalid("idf_weights", value, allowed);
        }
        float[] weights = new float[entries];
        for (int i = 0; i < entries; i++) {
            weights[i] = list.get(i) instanceof Number number ? number.floatValue() : Float.NaN;
            if (!isWeight(weights[i])) {
                throw config.error("idf_weights", "has " + JsonValues.describe(list.get(i)) + " at index " + i + "; allowed: "
                        + allowed);
            }
        }
        return weights;
    }

    /**
     * Learns the vocabulary (and in tf_idf mode the idf weights) from {@code texts}, replacing any
     * earlier one. The texts are read once, in order, and counted in groups as they come, so an
     * {@link Iterable} that reads them lazily (a {@code Dataset<String>}, whose pass this closes)
     * needs memory for one group and the distinct tokens, not for all the texts.
     */
    public void adapt(Iterable<String> texts, ComputePool pool) {
        Adaptation adaptation = adaptation(pool);
        texts.forEach(adaptation);
        adaptation.finish();
    }

    /**
     * A streaming adapt: hand it every text ({@link Adaptation#accept}, e.g. as the consumer of a
     * one-pass reader), then {@link Adaptation#finish} sets the vocabulary learned, as
     * {@link #adapt} would from the same texts.
     */
    public Adaptation adaptation(ComputePool pool) {
        return new Adaptation(new VocabularyBuilder.Counter(tokenizer, ngrams, pool));
    }

    /** The texts of one streaming adapt so far; {@link #finish} learns from them. Not for concurrent use. */
    public final class Adaptation implements Consumer<String> {
        private final VocabularyBuilder.Counter counter;

        private Adaptation(VocabularyBuilder.Counter counter) {
            this.counter = counter;
        }

        /** Counts the tokens of {@code text} (in groups: the work happens every few thousand texts). */
        @Override
        public void accept(String text) {
            counter.accept(text);
        }

        /** How many texts were handed in so far. */
        public long texts() {
            return counter.texts();
        }

        /** Learns the vocabulary (and idf weights) from the texts handed in, and sets it on the layer. */
        public void finish() {
            learn(counter.finish(maxTokens == null ? -1 : maxTokens - outputMode.tokenStart()));
        }
    }

    private void learn(VocabularyBuilder.Learned learned) {
        List<String> full = new ArrayList<>(specialTokens());
        full.addAll(learned.tokens());
        float[] idf = null;
        if (outputMode == OutputMode.TF_IDF) {
            if (learned.tokens().isEmpty()) {
                throw new IllegalArgumentException("TextVectorization: adapt found no token in " + learned.texts() + " texts;"
                        + " tf_idf weighs '[UNK]' by the mean weight of the learned tokens, so it needs at least one");
            }
            idf = new float[full.size()];
            for (int i = 0; i < learned.tokens().size(); i++) {
                idf[i + 1] = (float) Math.log(1 + (double) learned.texts() / (1 + learned.documentCounts()[i]));
            }
            idf[0] = mean(idf, 1);
        }
        setVocabulary(full, idf);
    }

    /**
     * Sets the vocabulary: tokens in index order, with or without the leading special entries
     * (int mode: '' and '[UNK]'; the other modes: '[UNK]'). Duplicates, the mask token '' among the
     * tokens and a list longer than maxTokens are rejected. In tf_idf mode use
     * {@link #setVocabulary(List, float[])}.
     */
    public void setVocabulary(List<String> tokens) {
        setVocabulary(tokens, null);
    }

    /**
     * Sets the vocabulary and, in tf_idf mode (where they are required, and only there), the idf
     * weights: one finite value >= 0 per entry of {@code tokens}. When {@code tokens} comes without
     * its special entries, '[UNK]' (and int mode's '') get the mean of the weights given, as Keras
     * pads them.
     */
    public void setVocabulary(List<String> tokens, float[] idfWeights) {
        if (outputMode == OutputMode.TF_IDF && idfWeights == null) {
            throw new IllegalArgumentException("TextVectorization: idf weights must be set when output_mode is 'tf_idf'");
        }
        if (outputMode != OutputMode.TF_IDF && idfWeights != null) {
            throw new IllegalArgumentException("TextVectorization: idf weights may only be set when output_mode is 'tf_idf',"
                    + " not '" + outputMode.kerasName() + "'");
        }
        List<String> special = specialTokens();
        boolean withSpecial = tokens.size() >= special.size() && tokens.subList(0, special.size()).equals(special);
        List<String> full = new ArrayList<>(special);
        full.addAll(withSpecial ? tokens.subList(special.size(), tokens.size()) : tokens);
        if (maxTokens != null && full.size() > maxTokens) {
            throw new IllegalArgumentException("TextVectorization: a vocabulary of " + full.size() + " entries ("
                    + String.join(" and ", quoted(special)) + " included) exceeds maxTokens " + maxTokens);
        }
        float[] weights = idfWeights == null ? null : fullIdfWeights(idfWeights, tokens.size(), withSpecial, special.size());
        TokenTable table = new TokenTable();
        for (int id = 0; id < full.size(); id++) {
            String token = full.get(id);
            if (token == null) {
                throw new IllegalArgumentException("TextVectorization: vocabulary entry " + id + " is null");
            }
            if (id >= special.size() && token.equals(MASK_TOKEN)) {
                throw new IllegalArgumentException("TextVectorization: vocabulary entry " + id + " is the mask token '';"
                        + " pass the tokens without the special entries, or with them first, in this order: " + quoted(special));
            }
            char[] chars = token.toCharArray();
            if (table.get(chars, 0, chars.length, -1) >= 0) {
                throw new IllegalArgumentException("TextVectorization: the vocabulary has '" + token + "' twice (entry " + id + ")");
            }
            table.put(token, id);
        }
        if (builtWidth >= 0 && !padToMaxTokens && full.size() != builtWidth) {
            throw new IllegalStateException("TextVectorization '" + name + "': with output_mode '" + outputMode.kerasName()
                    + "' and pad_to_max_tokens false, the vocabulary size cannot change once the layer is built (its output"
                    + " width): it was " + builtWidth + ", the new vocabulary has " + full.size() + " entries");
        }
        this.vocabulary = List.copyOf(full);
        this.index = table;
        this.idfWeights = weights;
    }

    /** Checks the weights and puts the special entries' in front when {@code tokens} came without them (their mean). */
    private static float[] fullIdfWeights(float[] given, int entries, boolean withSpecial, int specialCount) {
        if (given.length != entries) {
            throw new IllegalArgumentException("TextVectorization: " + given.length + " idf weights for a vocabulary of "
                    + entries + " entries; there must be one per entry");
        }
        for (int i = 0; i < given.length; i++) {
            if (!isWeight(given[i])) {
                throw new IllegalArgumentException("TextVectorization: idf weight " + i + " is " + given[i]
                        + "; weights must be finite and >= 0");
            }
        }
        if (withSpecial) {
            return given.clone();
        }
        if (given.length == 0) {
            throw new IllegalArgumentException("TextVectorization: no idf weights to average for the special entries;"
                    + " a tf_idf vocabulary needs at least one token");
        }
        float[] weights = new float[specialCount + given.length];
        Arrays.fill(weights, 0, specialCount, mean(given, 0));
        System.arraycopy(given, 0, weights, specialCount, given.length);
        return weights;
    }

    /** Whether {@code weight} can be an idf weight: finite and >= 0. */
    private static boolean isWeight(float weight) {
        return weight >= 0 && weight <= Float.MAX_VALUE;
    }

    /** The mean of values[from..], summed in double and rounded to float. */
    private static float mean(float[] values, int from) {
        double sum = 0;
        for (int i = from; i < values.length; i++) {
            sum += values[i];
        }
        return (float) (sum / (values.length - from));
    }

    /** Int mode: ['', '[UNK]', learned tokens...]; the other modes: ['[UNK]', learned tokens...]. */
    public List<String> getVocabulary() {
        requireVocabulary();
        return vocabulary;
    }

    /** The number of vocabulary entries, special ones included; an error before adapt or setVocabulary. */
    public int vocabularySize() {
        requireVocabulary();
        return vocabulary.size();
    }

    /** tf_idf mode: a copy of the idf weights, one per vocabulary entry ('[UNK]''s first); an error in the other modes. */
    public float[] getIdfWeights() {
        requireVocabulary();
        if (idfWeights == null) {
            throw new IllegalStateException("TextVectorization '" + name + "' has idf weights only in output_mode 'tf_idf', not '"
                    + outputMode.kerasName() + "'");
        }
        return idfWeights.clone();
    }

    /** What the layer emits. */
    public OutputMode outputMode() {
        return outputMode;
    }

    /** The n-grams the layer makes of each text's tokens. */
    public Ngrams ngrams() {
        return ngrams;
    }

    /** Int mode: the ids of one text, its true length or exactly outputSequenceLength (truncated or 0-padded). */
    public int[] encode(String text) {
        requireVocabulary();
        if (outputMode != OutputMode.INT) {
            throw new IllegalStateException("TextVectorization '" + name + "': encode gives int mode's ids, but output_mode is '"
                    + outputMode.kerasName() + "'; vectorize gives its vector");
        }
        int[][] ids = {new int[16]};
        int[] count = {0};
        ngrams.tokenize(tokenizer, text, (chars, start, length) -> {
            if (count[0] == ids[0].length) {
                ids[0] = Arrays.copyOf(ids[0], ids[0].length * 2);
            }
            ids[0][count[0]++] = index.get(chars, start, length, OOV_ID);
        });
        // Truncates to, or pads with 0 up to, outputSequenceLength when it is set.
        return Arrays.copyOf(ids[0], outputSequenceLength == null ? count[0] : outputSequenceLength);
    }

    /** Int mode: a batch padded with 0 to its longest text (or to outputSequenceLength), as Keras returns it. */
    public int[][] encodeBatch(List<String> texts) {
        int[][] rows = new int[texts.size()][];
        int longest = 0;
        for (int i = 0; i < rows.length; i++) {
            rows[i] = encode(texts.get(i));
            longest = Math.max(longest, rows[i].length);
        }
        for (int i = 0; i < rows.length; i++) {
            rows[i] = Arrays.copyOf(rows[i], longest);
        }
        return rows;
    }

    /** multi_hot, count or tf_idf: one text's row, as wide as the layer's output. */
    public float[] vectorize(String text) {
        requireVocabulary();
        if (outputMode == OutputMode.INT) {
            throw new IllegalStateException("TextVectorization '" + name + "': vectorize gives the vector of output_mode"
                    + " multi_hot, count or tf_idf, but output_mode is 'int'; encode gives its ids");
        }
        float[] row = new float[vectorWidth()];
        fillRow(text, row, 0);
        return row;
    }

    /** Writes the text's row into out[offset, offset + vocabulary size): counts, clipped to 1 or weighted by idf. */
    private void fillRow(String text, float[] out, int offset) {
        ngrams.tokenize(tokenizer, text, (chars, start, length) -> {
            if (length > 0) { // the mask token: dropped, as Keras' bincount drops it
                out[offset + index.get(chars, start, length, 0)] += 1;
            }
        });
        for (int id = 0; id < vocabulary.size(); id++) {
            float count = out[offset + id];
            if (count != 0) {
                out[offset + id] = outputMode == OutputMode.MULTI_HOT ? 1 : outputMode == OutputMode.COUNT ? count
                        : count * idfWeights[id];
            }
        }
    }

    /** Maps ids back to tokens (unknown ids are rejected). */
    public List<String> decode(int[] ids) {
        requireVocabulary();
        List<String> tokens = new ArrayList<>(ids.length);
        for (int id : ids) {
            if (id < 0 || id >= vocabulary.size()) {
                throw new IllegalArgumentException("decode: id " + id + " is outside the vocabulary of " + vocabulary.size());
            }
            tokens.add(vocabulary.get(id));
        }
        return tokens;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public PartConfig config() {
        PartConfig.Builder config = PartConfig.layer(TYPE).put("name", name)
                .put("max_tokens", maxTokens == null ? -1 : maxTokens)
                .put("standardize", tokenizer.standardize().name().toLowerCase(Locale.ROOT))
                .put("split", tokenizer.split().name().toLowerCase(Locale.ROOT));
        switch (ngrams.configValue()) {
            case Integer n -> config.put("ngrams", n);
            case List<?> widths -> config.put("ngrams", widths);
            default -> throw new IllegalStateException("ngrams " + ngrams);
        }
        config.put("output_mode", outputMode.kerasName())
                .put("output_sequence_length", outputSequenceLength == null ? -1 : outputSequenceLength)
                .put("pad_to_max_tokens", padToMaxTokens)
                .put("vocabulary", vocabulary == null ? List.of() : vocabulary);
        if (outputMode == OutputMode.TF_IDF) {
            List<Double> weights = new ArrayList<>();
            if (idfWeights != null) {
                for (float weight : idfWeights) {
                    weights.add((double) weight);
                }
            }
            config.put("idf_weights", weights);
        }
        return config.build();
    }

    /**
     * Takes raw texts. Int mode emits ids below the vocabulary's size (0, unknown, before a
     * vocabulary is set), rows of exactly outputSequenceLength ids when it is set (a fixed length a
     * Flatten needs); the other modes one vector per text, as wide as the vocabulary (which must
     * then be set, and keeps its size from now on) or maxTokens with padToMaxTokens.
     */
    @Override
    public ValueSpec build(ValueSpec input, ParameterSource parameters) {
        input.require(this, Texts.KIND);
        if (outputMode == OutputMode.INT) {
            return new ValueSpec(ValueSpec.TOKEN_IDS, vocabulary == null ? 0 : vocabulary.size(), false,
                    outputSequenceLength == null ? ValueSpec.ANY_LENGTH : outputSequenceLength);
        }
        if (vocabulary == null && !padToMaxTokens) {
            throw new IllegalStateException("TextVectorization '" + name + "': with output_mode '" + outputMode.kerasName()
                    + "' and pad_to_max_tokens false, the vocabulary (whose size is the output's width) must be set before"
                    + " the layer is built: call adapt() or setVocabulary()");
        }
        builtWidth = vectorWidth();
        return new ValueSpec(ValueSpec.FEATURES, builtWidth);
    }

    /** A vector mode's output width: maxTokens when padding to it, else the vocabulary's size. */
    private int vectorWidth() {
        return padToMaxTokens ? maxTokens : vocabulary.size();
    }

    @Override
    public boolean isBuilt() {
        return vocabulary != null;
    }

    @Override
    public LayerValue forward(LayerValue input, Ops ops) {
        Texts texts = Layer.expect(this, input, Texts.class);
        // Each text on its own, over the pool: tokenizing a batch of reviews took 0.7 ms on one
        // thread while the other waited, 3 % of a seed-model training step. Each task writes its
        // own row, so the result does not depend on the thread count.
        ComputePool pool = ops.kernels().pool();
        requireVocabulary(); // here, so a missing vocabulary is reported once, not by every task
        if (outputMode == OutputMode.INT) {
            int[][] rows = new int[texts.batchSize()][];
            pool.parallelFor(rows.length, i -> rows[i] = encode(texts.texts().get(i)));
            return TokenBatch.ofRows(rows);
        }
        int width = vectorWidth();
        float[] values = new float[Math.multiplyExact(texts.batchSize(), width)];
        pool.parallelFor(texts.batchSize(), i -> fillRow(texts.texts().get(i), values, i * width));
        return new FeatureBatch(Variable.constant(Tensor.wrap(values, texts.batchSize(), width)));
    }

    @Override
    public List<Variable> parameters() {
        return List.of();
    }

    @Override
    public String outputShape() {
        if (outputMode != OutputMode.INT) {
            return "(None, " + (padToMaxTokens ? maxTokens.toString() : vocabulary == null ? "None" : vocabulary.size()) + ")";
        }
        return outputSequenceLength == null ? "(None, None)" : "(None, " + outputSequenceLength + ")";
    }

    /** Int mode: '' and '[UNK]'; the others: '[UNK]'. */
    private List<String> specialTokens() {
        return outputMode == OutputMode.INT ? List.of(MASK_TOKEN, OOV_TOKEN) : List.of(OOV_TOKEN);
    }

    /** Each token in single quotes: '' and '[UNK]' read as tokens. */
    private static List<String> quoted(List<String> tokens) {
        return tokens.stream().map(token -> "'" + token + "'").toList();
    }

    private static List<String> kerasNames(Enum<?>[] options) {
        return Arrays.stream(options).map(option -> option.name().toLowerCase(Locale.ROOT))
                .filter(option -> !option.equals("custom")).toList();
    }

    private void requireVocabulary() {
        if (vocabulary == null) {
            throw new IllegalStateException("TextVectorization '" + name + "' has no vocabulary yet: call adapt() or setVocabulary()");
        }
    }
}
