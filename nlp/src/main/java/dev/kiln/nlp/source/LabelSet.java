package dev.kiln.nlp.source;

import dev.kiln.engine.json.JsonValues;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@link TextTable#scan} found in a file's label column: class names in sorted order (code
 * point order, as Python's {@code sorted}; numerically when every name is a number) with how many
 * records each has, or numbers; and how many records there are. A scan holds at most
 * {@link TableOptions#maxClasses()} names, so it needs little memory whatever the file's size.
 * Stream the examples with it: the same file's, or another's whose classes are among these (a
 * test file with the training file's classes).
 */
public final class LabelSet {
    /** The most distinct class names a scan accepts unless {@link TableOptions#maxClasses()} says otherwise. */
    public static final int DEFAULT_MAX_CLASSES = 1_000;

    private final LabelType type;
    private final List<String> classNames;
    private final List<Long> classCounts;
    private final long records;
    private final String scannedFile;
    private final Map<String, Integer> indices = new HashMap<>();

    LabelSet(LabelType type, List<String> classNames, List<Long> classCounts, long records, String scannedFile) {
        this.type = type;
        this.classNames = List.copyOf(classNames);
        this.classCounts = List.copyOf(classCounts);
        this.records = records;
        this.scannedFile = scannedFile;
        for (int i = 0; i < classNames.size(); i++) {
            indices.put(classNames.get(i), i);
        }
    }

    /** Whether the labels are class names or numbers. */
    public LabelType type() {
        return type;
    }

    /** The class names in class-index order; empty for numbers. */
    public List<String> classNames() {
        return classNames;
    }

    /** How many records of the scanned file have each class, in class-index order; empty for numbers. */
    public List<Long> classCounts() {
        return classCounts;
    }

    /** How many records the scanned file has. */
    public long records() {
        return records;
    }

    /** The file the scan read, as errors name it. */
    String scannedFile() {
        return scannedFile;
    }

    /** The label of {@code record}: its class index, or its value. */
    Label label(RawRecord record, String file, Column column) throws TextSourceException {
        if (type == LabelType.NUMBERS) {
            if (record.kind() == RawRecord.Kind.TEXT) {
                throw notANumber(record, file, column);
            }
            return new Label.Value(Double.parseDouble(record.label()));
        }
        Integer index = indices.get(record.label());
        if (index == null) {
            throw new TextSourceException(Records.at(file, record.line(), column) + "'" + JsonValues.shortened(record.label())
                    + "' is not one of the " + classNames.size() + " classes the scan of " + scannedFile + " found ("
                    + Records.quoted(classNames) + "); every label must be one of them");
        }
        return new Label.Category(index);
    }

    static TextSourceException notANumber(RawRecord record, String file, Column column) {
        return new TextSourceException(Records.at(file, record.line(), column) + "the label '" + JsonValues.shortened(record.label())
                + "' is not a number; the labels are numbers here (a decimal such as 4, -0.5 or 1e3)");
    }
}
