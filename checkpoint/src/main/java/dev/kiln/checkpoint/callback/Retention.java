package dev.kiln.checkpoint.callback;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Which of the files a ModelCheckpoint wrote to keep: the {@code bestK} with the best monitored
 * values and the {@code lastN} most recent. The best file, the latest file and the protected
 * ones (the file a run resumed from) are never deleted, and neither is any file the checkpoint
 * did not write itself. {@link #keepAll()} (the default, as Keras) deletes nothing.
 *
 * @param bestK     how many of the best files to keep (0: none by value)
 * @param lastN     how many of the most recent files to keep (0: none by recency)
 * @param protect   files never deleted whatever their rank
 */
public record Retention(int bestK, int lastN, Set<Path> protect) {

    /** A file a checkpoint wrote, its monitored value (NaN if unknown) and when (a growing sequence number). */
    public record SavedFile(Path path, double value, long sequence) {}

    /** Checks the counts (at least 0) and normalizes the protected paths. */
    public Retention {
        if (bestK < 0 || lastN < 0) {
            throw new IllegalArgumentException("retention keeps bestK >= 0 and lastN >= 0 files, got " + bestK + " and " + lastN);
        }
        protect = Set.copyOf(protect.stream().map(p -> p.toAbsolutePath().normalize()).toList());
    }

    /** Keep every file (the default, as Keras). */
    public static Retention keepAll() {
        return new Retention(Integer.MAX_VALUE, Integer.MAX_VALUE, Set.of());
    }

    /** Keep the {@code bestK} best and the {@code lastN} most recent files. */
    public static Retention keep(int bestK, int lastN) {
        return new Retention(bestK, lastN, Set.of());
    }

    /** This rule, also never deleting {@code file} (e.g. the checkpoint this run resumed from). */
    public Retention protecting(Path file) {
        Set<Path> more = new HashSet<>(protect);
        more.add(file);
        return new Retention(bestK, lastN, more);
    }

    /** The files of {@code saved} to delete; {@code maximize} says which values are better. */
    public List<SavedFile> toDelete(List<SavedFile> saved, boolean maximize) {
        if (saved.isEmpty()) {
            return List.of();
        }
        Comparator<SavedFile> byValue = Comparator.comparingDouble(f -> Double.isNaN(f.value())
                ? Double.POSITIVE_INFINITY : (maximize ? -f.value() : f.value()));
        List<SavedFile> ranked = new ArrayList<>(saved);
        ranked.sort(byValue.thenComparing(Comparator.comparingLong(SavedFile::sequence).reversed()));
        List<SavedFile> recent = new ArrayList<>(saved);
        recent.sort(Comparator.comparingLong(SavedFile::sequence).reversed());
        Set<Path> keep = new HashSet<>();
        keep.add(ranked.getFirst().path());  // the best
        keep.add(recent.getFirst().path());  // the latest
        ranked.stream().limit(bestK).forEach(f -> keep.add(f.path()));
        recent.stream().limit(lastN).forEach(f -> keep.add(f.path()));
        List<SavedFile> delete = new ArrayList<>();
        for (SavedFile file : saved) {
            if (!keep.contains(file.path()) && !protect.contains(file.path().toAbsolutePath().normalize())) {
                delete.add(file);
            }
        }
        return delete;
    }
}
