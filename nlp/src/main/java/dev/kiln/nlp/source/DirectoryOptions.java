package dev.kiln.nlp.source;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The arguments of {@link TextFolder#textDatasetFromDirectory}, Keras' names in Java spelling,
 * as an immutable set of options built in the JMH style:
 * {@code DirectoryOptions.builder().classNames("neg", "pos").labelMode(LabelMode.BINARY)
 * .validationSplit(0.2).subset(Subset.BOTH).seed(42).build()}. An option not set is empty, and
 * the reader applies its documented default.
 */
public final class DirectoryOptions {
    /** Keras' {@code subset}: which part of a split to return. */
    public enum Subset {
        /** The files left after the validation fraction. */
        TRAINING,
        /** The last {@code validationSplit} fraction of the files. */
        VALIDATION,
        /** Both: the training files, with the validation files as {@link TextFolder#validation()}. */
        BOTH
    }

    private final Optional<LabelMode> labelMode;
    private final Optional<List<String>> classNames;
    private final OptionalInt maxLength;
    private final OptionalDouble validationSplit;
    private final Optional<Subset> subset;
    private final OptionalLong seed;
    private final Optional<Boolean> followLinks;
    private final Optional<Decoding> decoding;

    private DirectoryOptions(Builder builder) {
        this.labelMode = builder.labelMode;
        this.classNames = builder.classNames;
        this.maxLength = builder.maxLength;
        this.validationSplit = builder.validationSplit;
        this.subset = builder.subset;
        this.seed = builder.seed;
        this.followLinks = builder.followLinks;
        this.decoding = builder.decoding;
    }

    /** A builder with nothing set. */
    public static Builder builder() {
        return new Builder();
    }

    /** Every option at its default: all class folders, int labels, sorted order, no split. */
    public static DirectoryOptions defaults() {
        return builder().build();
    }

    /** Keras' label_mode; empty: {@link LabelMode#INT}. */
    public Optional<LabelMode> labelMode() {
        return labelMode;
    }

    /** Keras' class_names: the class folders to read, in class order; empty: every class folder, sorted. */
    public Optional<List<String>> classNames() {
        return classNames;
    }

    /** Keras' max_length: texts are cut to this many characters (code points); empty: kept whole. */
    public OptionalInt maxLength() {
        return maxLength;
    }

    /** Keras' validation_split: the fraction of the files kept for validation; empty: no split. */
    public OptionalDouble validationSplit() {
        return validationSplit;
    }

    /** Keras' subset: which part of the split to return; set exactly when validationSplit is. */
    public Optional<Subset> subset() {
        return subset;
    }

    /** Keras' seed: the files are shuffled with it before a split; empty: no shuffle (sorted order). */
    public OptionalLong seed() {
        return seed;
    }

    /** Keras' follow_links: whether links to folders are read; empty: they are not. */
    public Optional<Boolean> followLinks() {
        return followLinks;
    }

    /** What to do with bytes that are not UTF-8; empty: {@link Decoding#STRICT}. */
    public Optional<Decoding> decoding() {
        return decoding;
    }

    /** Builds {@link DirectoryOptions}; each setter returns the builder, and {@link #build()} checks them together. */
    public static final class Builder {
        private Optional<LabelMode> labelMode = Optional.empty();
        private Optional<List<String>> classNames = Optional.empty();
        private OptionalInt maxLength = OptionalInt.empty();
        private OptionalDouble validationSplit = OptionalDouble.empty();
        private Optional<Subset> subset = Optional.empty();
        private OptionalLong seed = OptionalLong.empty();
        private Optional<Boolean> followLinks = Optional.empty();
        private Optional<Decoding> decoding = Optional.empty();

        private Builder() {}

        /** How class labels become targets. */
        public Builder labelMode(LabelMode mode) {
            this.labelMode = Optional.of(mode);
            return this;
        }

        /** Read only these class folders, with these class indices (IMDB's train/ with neg, pos skips unsup/). */
        public Builder classNames(String... names) {
            return classNames(List.of(names));
        }

        /** Read only these class folders, with these class indices. */
        public Builder classNames(List<String> names) {
            this.classNames = Optional.of(List.copyOf(names));
            return this;
        }

        /** Cut every text to its first {@code length} characters (code points; at least 1). */
        public Builder maxLength(int length) {
            this.maxLength = OptionalInt.of(length);
            return this;
        }

        /** Keep this fraction of the files (between 0 and 1) for validation; needs a subset and a seed. */
        public Builder validationSplit(double fraction) {
            this.validationSplit = OptionalDouble.of(fraction);
            return this;
        }

        /** Which part of the split to return. */
        public Builder subset(Subset part) {
            this.subset = Optional.of(part);
            return this;
        }

        /** Shuffle the files with this seed (before a split). */
        public Builder seed(long value) {
            this.seed = OptionalLong.of(value);
            return this;
        }

        /** Whether to read folders reached through symbolic links. */
        public Builder followLinks(boolean follow) {
            this.followLinks = Optional.of(follow);
            return this;
        }

        /** What to do with bytes that are not UTF-8. */
        public Builder decoding(Decoding policy) {
            this.decoding = Optional.of(policy);
            return this;
        }

        /** The options, checked as Keras checks its arguments (plus: a split needs a seed in Kiln, shuffled or not). */
        public DirectoryOptions build() {
            if (validationSplit.isPresent() && !(validationSplit.getAsDouble() > 0 && validationSplit.getAsDouble() < 1)) {
                throw new IllegalArgumentException("validationSplit must be between 0 and 1 (both excluded), got "
                        + validationSplit.getAsDouble());
            }
            if (validationSplit.isPresent() != subset.isPresent()) {
                throw new IllegalArgumentException("validationSplit and subset go together: set both or neither (got "
                        + (subset.isPresent() ? "subset " + subset.get().name().toLowerCase(Locale.ROOT) + " without a validationSplit)"
                        : "validationSplit " + validationSplit.getAsDouble() + " without a subset)"));
            }
            if (validationSplit.isPresent() && seed.isEmpty()) {
                throw new IllegalArgumentException("validationSplit needs a seed: the files are shuffled with it before the"
                        + " split, so a training and a validation read with the same seed get disjoint files");
            }
            if (classNames.isPresent()) {
                List<String> names = classNames.get();
                if (names.isEmpty()) {
                    throw new IllegalArgumentException("classNames is empty; name at least one class folder, or leave it"
                            + " unset to read them all");
                }
                if (new HashSet<>(names).size() != names.size()) {
                    throw new IllegalArgumentException("classNames names a folder twice: " + names);
                }
                if (labelMode.equals(Optional.of(LabelMode.BINARY)) && names.size() != 2) {
                    throw new IllegalArgumentException("label mode binary needs exactly 2 classes, got classNames " + names);
                }
            }
            if (maxLength.isPresent() && maxLength.getAsInt() < 1) {
                throw new IllegalArgumentException("maxLength must be >= 1, got " + maxLength.getAsInt());
            }
            return new DirectoryOptions(this);
        }
    }
}
