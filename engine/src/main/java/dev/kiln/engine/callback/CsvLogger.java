package dev.kiln.engine.callback;

import dev.kiln.engine.part.PartState;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Keras' CSVLogger: a row per epoch as it ends, {@code epoch} (0-based) then the logs' values
 * under a header of their names in sorted order, written and closed at once (no file stays open
 * between epochs). Without append the first row replaces an existing file; with append the file
 * is continued. It counts the rows in the file, and a resumed fit (BackupAndRestore) cuts the file
 * back to the count the backup saw, so the rows of epochs the backup does not include are written
 * again, once, whether or not append is set.
 */
public final class CsvLogger implements StatefulCallback {
    private final Path file;
    private final String separator;
    private final boolean append;
    private List<String> keys = List.of();
    private int rows; // data rows in the file, this fit's and earlier ones'
    private boolean startFresh; // the first row replaces the file (no append, no resume)

    /** A CSV log at {@code file}, values separated by {@code separator}; {@code append} continues an existing file. */
    public CsvLogger(Path file, String separator, boolean append) {
        this.file = file;
        this.separator = separator;
        this.append = append;
    }

    /** Keras' defaults: comma-separated, a new file each fit. */
    public CsvLogger(Path file) {
        this(file, ",", false);
    }

    @Override
    public void onTrainBegin(Logs logs) {
        try {
            startFresh = !(append && Files.exists(file));
            if (startFresh) {
                rows = 0;
                keys = List.of();
            } else {
                List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                rows = Math.max(lines.size() - 1, 0);
                keys = lines.isEmpty() ? List.of() : header(lines.getFirst());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("CSVLogger cannot open " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void onEpochEnd(int epoch, Logs logs) {
        StringBuilder text = new StringBuilder();
        if (keys.isEmpty()) {
            keys = logs.asMap().keySet().stream().sorted().toList();
            text.append("epoch");
            keys.forEach(key -> text.append(separator).append(key));
            text.append('\n');
        }
        text.append(epoch);
        for (String key : keys) {
            Double value = logs.get(key);
            text.append(separator).append(value == null ? "NA" : value.toString());
        }
        text.append('\n');
        if (startFresh) {
            write(text.toString(), StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
            startFresh = false;
        } else {
            write(text.toString(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
        rows++;
    }

    private List<String> header(String line) {
        List<String> names = new ArrayList<>(List.of(line.split(java.util.regex.Pattern.quote(separator), -1)));
        names.removeFirst(); // "epoch"
        return List.copyOf(names);
    }

    private void write(String text, StandardOpenOption... options) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8, options);
        } catch (IOException e) {
            throw new UncheckedIOException("CSVLogger cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String stateName() {
        return "CSVLogger/" + file.getFileName();
    }

    @Override
    public PartState saveState() {
        return new PartState(Map.of("rows", rows));
    }

    /** Cuts the file back to the header and the rows the saved fit had written. */
    @Override
    public void restoreState(PartState state) {
        int saved = state.getInt("rows");
        try {
            List<String> lines = Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
            if (saved < 0 || saved > Math.max(lines.size() - 1, 0)) {
                throw new IllegalStateException("CSVLogger: the backup counted " + saved + " rows in " + file + ", which has "
                        + Math.max(lines.size() - 1, 0) + "; the log no longer matches the backup");
            }
            List<String> kept = lines.isEmpty() ? List.of() : lines.subList(0, saved + 1);
            keys = kept.isEmpty() ? List.of() : header(kept.getFirst());
            Files.write(file, kept, StandardCharsets.UTF_8);
            rows = saved;
            startFresh = false;
        } catch (IOException e) {
            throw new UncheckedIOException("CSVLogger cannot restore " + file + ": " + e.getMessage(), e);
        }
    }
}
