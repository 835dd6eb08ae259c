package dev.kiln.nlp.source;

import java.io.Closeable;
import java.io.IOException;

/** The records of one file, read one at a time, so a file of any size needs little memory. */
interface RecordReader extends Closeable {
    /** The next record, or null at the end of the file. */
    RawRecord next() throws IOException;

    /** What the file holds when it has no record, for the error that says so. */
    String withoutRecords();
}
