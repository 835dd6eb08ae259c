package dev.kiln.nlp.demo;

import dev.kiln.engine.data.Dataset;
import dev.kiln.engine.data.DatasetIterator;

import java.util.NoSuchElementException;

/**
 * A seeded split of a table's records, decided record by record so it needs no memory and no
 * second pass: record {@code i} (0-based, in file order) goes to validation when the i-th output
 * of SplitMix64 seeded with {@code seed}, as a fraction in [0, 1), is below {@code fraction}. A
 * counter-based hash of (seed, index): the same seed and fraction pick the same records on every
 * pass and every machine; about {@code fraction} of the records, not exactly
 * {@code floor(fraction * n)} as Keras' split of a folder.
 */
record RecordSplit(long seed, double fraction) {

    /** Whether record {@code index} is a validation record. */
    boolean isValidation(long index) {
        long z = seed + (index + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        return (z >>> 11) * 0x1.0p-53 < fraction;
    }

    /** The records of {@code records} in the validation part ({@code validation}) or in the rest; {@code count} of them. */
    <T> Dataset<T> part(Dataset<T> records, boolean validation, long count) {
        return new Dataset<>() {
            @Override
            public long cardinality() {
                return count;
            }

            @Override
            public DatasetIterator<T> iterator(long pass) {
                DatasetIterator<T> in = records.iterator(pass);
                return new DatasetIterator<>() {
                    private long index;
                    private T next;

                    @Override
                    public boolean hasNext() {
                        while (next == null && in.hasNext()) {
                            T element = in.next();
                            if (isValidation(index++) == validation) {
                                next = element;
                            }
                        }
                        return next != null;
                    }

                    @Override
                    public T next() {
                        if (!hasNext()) {
                            throw new NoSuchElementException();
                        }
                        T element = next;
                        next = null;
                        return element;
                    }

                    @Override
                    public void close() {
                        in.close();
                    }
                };
            }
        };
    }
}
