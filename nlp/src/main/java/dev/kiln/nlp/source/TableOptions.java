package dev.kiln.nlp.source;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * How {@link TextTable} reads a CSV, TSV or JSON Lines file, as an immutable set of options built
 * in the JMH style: {@code TableOptions.builder().textColumn("review").labelColumn("sentiment").build()}.
 * An option not set is empty, and the reader applies its documented default.
 */
public final class TableOptions {
    /** The text column when none is chosen: {@code text}. */
    public static final String DEFAULT_TEXT_COLUMN = "text";
    /** The label column when none is chosen: {@code label}. */
    public static final String DEFAULT_LABEL_COLUMN = "label";

    private final Optional<Column> textColumn;
    private final Optional<Column> labelColumn;
    private final Optional<Boolean> header;
    private final Optional<LabelType> labelType;
    private final OptionalInt maxClasses;
    private final OptionalInt maxLength;
    private final Optional<Decoding> decoding;

    private TableOptions(Builder builder) {
        this.textColumn = builder.textColumn;
        this.labelColumn = builder.labelColumn;
        this.header = builder.header;
        this.labelType = builder.labelType;
        this.maxClasses = builder.maxClasses;
        this.maxLength = builder.maxLength;
        this.decoding = builder.decoding;
    }

    /** A builder with nothing set. */
    public static Builder builder() {
        return new Builder();
    }

    /** Every option at its default. */
    public static TableOptions defaults() {
        return builder().build();
    }

    /** The column of the texts; empty: {@value #DEFAULT_TEXT_COLUMN}. */
    public Optional<Column> textColumn() {
        return textColumn;
    }

    /** The column of the labels; empty: {@value #DEFAULT_LABEL_COLUMN}. */
    public Optional<Column> labelColumn() {
        return labelColumn;
    }

    /** Whether a CSV or TSV file starts with a header row; empty: it does. */
    public Optional<Boolean> header() {
        return header;
    }

    /** What the labels are; empty: inferred by {@link TextTable#scan}. */
    public Optional<LabelType> labelType() {
        return labelType;
    }

    /** The most distinct classes a scan accepts; empty: {@value LabelSet#DEFAULT_MAX_CLASSES}. */
    public OptionalInt maxClasses() {
        return maxClasses;
    }

    /** Texts are cut to this many characters (code points); empty: kept whole. */
    public OptionalInt maxLength() {
        return maxLength;
    }

    /** What to do with bytes that are not UTF-8; empty: {@link Decoding#STRICT}. */
    public Optional<Decoding> decoding() {
        return decoding;
    }

    /** The text column chosen, or the default. */
    Column text() {
        return textColumn.orElse(Column.named(DEFAULT_TEXT_COLUMN));
    }

    /** The label column chosen, or the default. */
    Column label() {
        return labelColumn.orElse(Column.named(DEFAULT_LABEL_COLUMN));
    }

    /** Builds {@link TableOptions}; each setter returns the builder. */
    public static final class Builder {
        private Optional<Column> textColumn = Optional.empty();
        private Optional<Column> labelColumn = Optional.empty();
        private Optional<Boolean> header = Optional.empty();
        private Optional<LabelType> labelType = Optional.empty();
        private OptionalInt maxClasses = OptionalInt.empty();
        private OptionalInt maxLength = OptionalInt.empty();
        private Optional<Decoding> decoding = Optional.empty();

        private Builder() {}

        /** The texts are in the column with this header name (CSV, TSV) or key (JSON Lines). */
        public Builder textColumn(String name) {
            return textColumn(Column.named(name));
        }

        /** The texts are in the column at this 0-based position of a headerless CSV or TSV file. */
        public Builder textColumn(int index) {
            return textColumn(Column.at(index));
        }

        /** The texts are in this column. */
        public Builder textColumn(Column column) {
            this.textColumn = Optional.of(column);
            return this;
        }

        /** The labels are in the column with this header name (CSV, TSV) or key (JSON Lines). */
        public Builder labelColumn(String name) {
            return labelColumn(Column.named(name));
        }

        /** The labels are in the column at this 0-based position of a headerless CSV or TSV file. */
        public Builder labelColumn(int index) {
            return labelColumn(Column.at(index));
        }

        /** The labels are in this column. */
        public Builder labelColumn(Column column) {
            this.labelColumn = Optional.of(column);
            return this;
        }

        /** Whether a CSV or TSV file's first record is a header row (not for JSON Lines). */
        public Builder header(boolean hasHeader) {
            this.header = Optional.of(hasHeader);
            return this;
        }

        /** The labels are class names or numbers, whatever they look like. */
        public Builder labelType(LabelType type) {
            this.labelType = Optional.of(type);
            return this;
        }

        /** A scan refuses a file with more distinct class names than this (at least 1). */
        public Builder maxClasses(int classes) {
            this.maxClasses = OptionalInt.of(classes);
            return this;
        }

        /** Cut every text to its first {@code length} characters (code points; at least 1). */
        public Builder maxLength(int length) {
            this.maxLength = OptionalInt.of(length);
            return this;
        }

        /** What to do with bytes that are not UTF-8. */
        public Builder decoding(Decoding policy) {
            this.decoding = Optional.of(policy);
            return this;
        }

        /** The options, checked: a headerless file names its columns by number, and text and label differ. */
        public TableOptions build() {
            TableOptions options = new TableOptions(this);
            if (header.isPresent() && !header.get()
                    && (options.text() instanceof Column.Named || options.label() instanceof Column.Named)) {
                throw new IllegalArgumentException("a file without a header row has no column names: choose the text and"
                        + " label columns by their 0-based number, e.g. textColumn(0).labelColumn(1)");
            }
            if (options.text().equals(options.label())) {
                throw new IllegalArgumentException("the text and the label column are both " + options.text().describe()
                        + "; they must differ");
            }
            if (maxClasses.isPresent() && maxClasses.getAsInt() < 1) {
                throw new IllegalArgumentException("maxClasses must be >= 1, got " + maxClasses.getAsInt());
            }
            if (maxLength.isPresent() && maxLength.getAsInt() < 1) {
                throw new IllegalArgumentException("maxLength must be >= 1, got " + maxLength.getAsInt());
            }
            return options;
        }
    }
}
