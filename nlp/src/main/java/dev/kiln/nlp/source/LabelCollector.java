package dev.kiln.nlp.source;

import dev.kiln.engine.json.JsonValues;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Collects a label column in one pass with bounded memory. Inferred (no {@link LabelType} given):
 * JSON numbers are numbers and JSON strings class names, and a column may not mix them; a CSV
 * column whose every label reads as a number is numbers, otherwise class names. Class names are
 * counted until there are more than the limit: an error when the labels are class names, and the
 * end of counting when they may still turn out to be numbers.
 */
final class LabelCollector {
    private final Optional<LabelType> given;
    private final int maxClasses;
    private final String file;
    private final Column column;
    private Map<String, long[]> counts = new HashMap<>(); // null once past the limit while the labels may be numbers
    private RawRecord firstText;     // the first label that is not a number
    private RawRecord firstNumber;   // the first JSON number
    private String overflowing;      // the label that went past the limit, when counting stopped
    private long records;

    LabelCollector(Optional<LabelType> given, int maxClasses, String file, Column column) {
        this.given = given;
        this.maxClasses = maxClasses;
        this.file = file;
        this.column = column;
    }

    void add(RawRecord record) throws TextSourceException {
        records++;
        switch (record.kind()) {
            case TEXT -> {
                if (given.equals(Optional.of(LabelType.NUMBERS))) {
                    throw LabelSet.notANumber(record, file, column);
                }
                if (given.isEmpty() && firstNumber != null) {
                    throw mixed(record, firstNumber);
                }
                if (firstText == null) {
                    firstText = record;
                }
            }
            case NUMBER -> {
                if (given.isEmpty() && firstText != null) {
                    throw mixed(record, firstText);
                }
                if (firstNumber == null) {
                    firstNumber = record;
                }
            }
            case NUMBER_LIKE -> {
            }
        }
        if (given.equals(Optional.of(LabelType.NUMBERS))) {
            return;
        }
        boolean classes = given.isPresent() || firstText != null;
        if (counts == null) {
            if (classes) {
                throw tooMany(record, overflowing);
            }
            return;
        }
        long[] count = counts.get(record.label());
        if (count != null) {
            count[0]++;
        } else if (counts.size() < maxClasses) {
            counts.put(record.label(), new long[] {1});
        } else if (classes) {
            throw tooMany(record, record.label());
        } else {
            counts = null; // numbers so far: they need no names
            overflowing = record.label();
        }
    }

    LabelSet finish(String withoutRecords) throws TextSourceException {
        if (records == 0) {
            throw new TextSourceException(file + ": " + withoutRecords + "; there is nothing to learn from");
        }
        LabelType type = given.orElse(firstText != null ? LabelType.CLASSES : LabelType.NUMBERS);
        if (type == LabelType.NUMBERS) {
            return new LabelSet(type, List.of(), List.of(), records, file);
        }
        List<String> names = new ArrayList<>(counts.keySet());
        boolean allNumbers = names.stream().allMatch(Records::isNumber);
        Comparator<String> byCodePoints = Records::compareCodePoints;
        names.sort(allNumbers ? Comparator.comparingDouble(Double::parseDouble).thenComparing(byCodePoints) : byCodePoints);
        List<Long> classCounts = names.stream().map(name -> counts.get(name)[0]).toList();
        return new LabelSet(type, names, classCounts, records, file);
    }

    private TextSourceException mixed(RawRecord record, RawRecord other) {
        boolean number = record.kind() == RawRecord.Kind.NUMBER;
        return new TextSourceException(Records.at(file, record.line(), column) + "the label is a " + (number ? "number (" : "string (\"")
                + JsonValues.shortened(record.label()) + (number ? ")" : "\")") + " where line " + other.line() + " has a "
                + (number ? "string" : "number") + "; a label column holds class names (strings) or numbers, not both");
    }

    private TextSourceException tooMany(RawRecord record, String label) {
        return new TextSourceException(Records.at(file, record.line(), column) + "more than " + Records.grouped(maxClasses)
                + " distinct class names (the first past the limit: '" + JsonValues.shortened(label) + "'); is this the label"
                + " column? Raise maxClasses if the classes are real, or read the labels as numbers (labelType NUMBERS)");
    }
}
