package dev.kiln.nlp;

import dev.kiln.engine.autodiff.Ops;
import dev.kiln.engine.autodiff.Variable;
import dev.kiln.engine.kernel.ComputePool;
import dev.kiln.engine.layer.Layer;
import dev.kiln.engine.part.PartConfig;
import dev.kiln.engine.layer.LayerValue;
import dev.kiln.engine.layer.TokenBatch;
import dev.kiln.engine.layer.ParameterSource;
import dev.kiln.engine.layer.ValueSpec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Keras' TextVectorization with output_mode "int": texts to token ids. Index 0 is '' (padding),
 * 1 is '[UNK]' (every out-of-vocabulary token), learned tokens follow; maxTokens counts both
 * special entries. The vocabulary is learned by {@link #adapt} or set directly, and it is part of
 * the layer's config, so a saved model carries it.
 *
 * <p>As the first layer of a model it takes {@link Texts} and emits a {@link TokenBatch} of the
 * texts' true lengths (no padding), or with outputSequenceLength N rows truncated or padded with
 * 0 to exactly N.
 */
public final class TextVectorization implements Layer {
    /** The Keras class name: the type of this layer's config and its registry key. */
    public static final String TYPE = "TextVectorization";
    /** Vocabulary entry 0, padding (Keras' mask token). */
    public static final String MASK_TOKEN = "";
    /** Vocabulary entry 1, for every token outside the vocabulary (Keras' OOV token). */
    public static final String OOV_TOKEN = "[UNK]";
    static final int OOV_ID = 1;
    /**
     * The longest output_sequence_length a layer accepts: every text of a batch is padded to it,
     * so a file cannot make a prediction allocate without bound.
     */
    public static final int MAX_SEQUENCE_LENGTH = 1 << 16;

    private final Integer maxTokens;
    private final Tokenizer tokenizer;
    private final Integer outputSequenceLength;
    private final String name;
    private List<String> vocabulary;
    private TokenTable index;

    /**
     * @param maxTokens            vocabulary size including '' and '[UNK]', or null for no limit (>= 3 when given)
     * @param outputSequenceLength pad or truncate every output to this length, or null for the true lengths
     */
    public TextVectorization(Integer maxTokens, Tokenizer tokenizer, Integer outputSequenceLength, String name) {
        if (maxTokens != null && maxTokens < 3) {
            throw new IllegalArgumentException("TextVectorization: maxTokens must be >= 3 ('' and '[UNK]' count), got "
                    + maxTokens);
        }
        if (outputSequenceLength != null && (outputSequenceLength < 1 || outputSequenceLength > MAX_SEQUENCE_LENGTH)) {
            throw new IllegalArgumentException("TextVectorization: outputSequenceLength must be from 1 to " + MAX_SEQUENCE_LENGTH
                    + ", got " + outputSequenceLength);
        }
        this.maxTokens = maxTokens;
        this.tokenizer = tokenizer;
        this.outputSequenceLength = outputSequenceLength;
        this.name = name;
    }

    /** TextVectorization(max_tokens=maxTokens) with Keras' defaults. */
    public TextVectorization(int maxTokens) {
        this(maxTokens, Tokenizer.keras(), null, "text_vectorization");
    }

    /**
     * Rebuilds a saved layer, validating its config with Keras' rules: max_tokens -1 (None) or
     * >= 3, output_mode "int", output_sequence_length -1 (None) or 1 to {@link #MAX_SEQUENCE_LENGTH},
     * the built-in standardize and split, and a non-empty vocabulary of distinct tokens that fits
     * max_tokens (a saved model must be able to encode text).
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
        config.requireOnly(List.of("name", "max_tokens", "standardize", "split", "output_mode", "output_sequence_length",
                "vocabulary"));
        String name = config.getName();
        for (String key : List.of("standardize", "split")) {
            if ("custom".equals(config.values().get(key))) {
                throw config.error(key, "is 'custom': a custom function cannot be restored from a config");
            }
        }
        Tokenizer.Standardize standardize = Tokenizer.Standardize.valueOf(
                config.getChoice("standardize", List.of("lower_and_strip_punctuation", "none")).toUpperCase(Locale.ROOT));
        Tokenizer.Split split = Tokenizer.Split.valueOf(config.getChoice("split", List.of("whitespace", "none")).toUpperCase(Locale.ROOT));
        config.getChoice("output_mode", List.of("int"));
        TextVectorization layer = new TextVectorization(config.getOptionalInt("max_tokens", 3, PartConfig.MAX_DIMENSION),
                Tokenizer.of(standardize, split), config.getOptionalInt("output_sequence_length", 1, MAX_SEQUENCE_LENGTH), name);
        if (!vocabularyRequired && !config.values().containsKey("vocabulary")) {
            return layer;
        }
        List<String> saved = config.getStrings("vocabulary");
        if (saved.isEmpty()) {
            throw config.error("vocabulary", "is empty; a saved model needs the vocabulary it was trained with (adapt or"
                    + " setVocabulary before saving)");
        }
        try {
            layer.setVocabulary(saved);
        } catch (IllegalArgumentException e) {
            throw config.error("vocabulary", "is not usable: " + e.getMessage().replaceFirst("^TextVectorization: ", ""));
        }
        return layer;
    }

    /** Learns the vocabulary from {@code texts} (replacing any earlier one). */
    public void adapt(List<String> texts, ComputePool pool) {
        int limit = maxTokens == null ? -1 : maxTokens - 2;
        setVocabulary(VocabularyBuilder.learn(texts, tokenizer, limit, pool));
    }

    /**
     * Sets the vocabulary: tokens in index order, with or without the leading '' and '[UNK]'.
     * Duplicates and a list longer than maxTokens are rejected.
     */
    public void setVocabulary(List<String> tokens) {
        List<String> learned = tokens.size() >= 2 && tokens.get(0).equals(MASK_TOKEN) && tokens.get(1).equals(OOV_TOKEN)
                ? tokens.subList(2, tokens.size()) : tokens;
        List<String> full = new ArrayList<>(learned.size() + 2);
        full.add(MASK_TOKEN);
        full.add(OOV_TOKEN);
        full.addAll(learned);
        if (maxTokens != null && full.size() > maxTokens) {
            throw new IllegalArgumentException("TextVectorization: a vocabulary of " + full.size()
                    + " entries ('' and '[UNK]' included) exceeds maxTokens " + maxTokens);
        }
        TokenTable table = new TokenTable();
        for (int id = 0; id < full.size(); id++) {
            String token = full.get(id);
            if (token == null) {
                throw new IllegalArgumentException("TextVectorization: vocabulary entry " + id + " is null");
            }
            char[] chars = token.toCharArray();
            if (table.get(chars, 0, chars.length, -1) >= 0) {
                throw new IllegalArgumentException("TextVectorization: the vocabulary has '" + token + "' twice (entry " + id + ")");
            }
            table.put(token, id);
        }
        this.vocabulary = List.copyOf(full);
        this.index = table;
    }

    /** ['', '[UNK]', learned tokens...]. */
    public List<String> getVocabulary() {
        requireVocabulary();
        return vocabulary;
    }

    /** The number of vocabulary entries, '' and '[UNK]' included; an error before adapt or setVocabulary. */
    public int vocabularySize() {
        requireVocabulary();
        return vocabulary.size();
    }

    /** The ids of one text: its true length, or exactly outputSequenceLength (truncated or 0-padded). */
    public int[] encode(String text) {
        requireVocabulary();
        int[][] ids = {new int[16]};
        int[] count = {0};
        tokenizer.tokenize(text, (chars, start, length) -> {
            if (count[0] == ids[0].length) {
                ids[0] = Arrays.copyOf(ids[0], ids[0].length * 2);
            }
            ids[0][count[0]++] = index.get(chars, start, length, OOV_ID);
        });
        // Truncates to, or pads with 0 up to, outputSequenceLength when it is set.
        return Arrays.copyOf(ids[0], outputSequenceLength == null ? count[0] : outputSequenceLength);
    }

    /** A batch padded with 0 to its longest text (or to outputSequenceLength), as Keras returns it. */
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

    /** Maps ids back to tokens (id 0 gives '', unknown ids are rejected). */
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
        return PartConfig.layer(TYPE).put("name", name)
                .put("max_tokens", maxTokens == null ? -1 : maxTokens)
                .put("standardize", tokenizer.standardize().name().toLowerCase(Locale.ROOT))
                .put("split", tokenizer.split().name().toLowerCase(Locale.ROOT))
                .put("output_mode", "int")
                .put("output_sequence_length", outputSequenceLength == null ? -1 : outputSequenceLength)
                .put("vocabulary", vocabulary == null ? List.of() : vocabulary)
                .build();
    }

    /** Takes raw texts; emits ids below the vocabulary's size (0, unknown, before a vocabulary is set). */
    @Override
    public ValueSpec build(ValueSpec input, ParameterSource parameters) {
        input.require(this, Texts.KIND);
        return new ValueSpec(ValueSpec.TOKEN_IDS, vocabulary == null ? 0 : vocabulary.size());
    }

    @Override
    public boolean isBuilt() {
        return vocabulary != null;
    }

    @Override
    public LayerValue forward(LayerValue input, Ops ops) {
        Texts texts = Layer.expect(this, input, Texts.class);
        int[][] rows = new int[texts.batchSize()][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = encode(texts.texts().get(i));
        }
        return TokenBatch.ofRows(rows);
    }

    @Override
    public List<Variable> parameters() {
        return List.of();
    }

    @Override
    public String outputShape() {
        return outputSequenceLength == null ? "(None, None)" : "(None, " + outputSequenceLength + ")";
    }

    private void requireVocabulary() {
        if (vocabulary == null) {
            throw new IllegalStateException("TextVectorization '" + name + "' has no vocabulary yet: call adapt() or setVocabulary()");
        }
    }
}
