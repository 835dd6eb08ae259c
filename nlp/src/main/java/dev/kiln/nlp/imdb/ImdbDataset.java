package dev.kiln.nlp.imdb;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * The Large Movie Review Dataset (Maas et al., 2011), read from the official
 * {@code aclImdb_v1.tar.gz}, a repack such as {@code aclImdb_v1_labeled.tar.gz}, or an extracted
 * {@code aclImdb/} folder. Archives are streamed (gzip, then tar) without extracting; entries
 * not used (the .feat files, url lists, unsup unless asked for) are skipped.
 *
 * <p>Order, stated and deterministic: within each split, negative reviews, then positive, then
 * unlabeled; within each, by id, then rating.
 */
public final class ImdbDataset {
    /** The splits of the dataset. */
    public enum Split {
        /** The 25,000 labeled training reviews. */
        TRAIN,
        /** The 25,000 labeled test reviews. */
        TEST,
        /** The 50,000 unlabeled reviews. */
        UNSUP
    }

    /** aclImdb/{train,test}/{pos,neg,unsup}/{id}_{rating}.txt */
    private static final Pattern REVIEW = Pattern.compile("(?:.*/)?aclImdb/(train|test)/(pos|neg|unsup)/(\\d+)_(\\d+)\\.txt");

    private final Map<Split, List<Review>> splits;

    private ImdbDataset(Map<Split, List<Review>> splits) {
        this.splits = splits;
    }

    /** Loads the train and test splits. */
    public static ImdbDataset load(Path path) throws IOException {
        return load(path, EnumSet.of(Split.TRAIN, Split.TEST));
    }

    /** Loads the given splits from an archive (.tar.gz or .tar) or an extracted aclImdb folder. */
    public static ImdbDataset load(Path path, Set<Split> wanted) throws IOException {
        if (!Files.exists(path)) {
            throw new NoSuchFileException(path.toString(), null, "no IMDB data here: pass the path of aclImdb_v1.tar.gz"
                    + " (or an extracted aclImdb folder); the archive is published at "
                    + "http://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz");
        }
        Map<Split, List<Review>> splits = new EnumMap<>(Split.class);
        for (Split split : wanted) {
            splits.put(split, new ArrayList<>());
        }
        if (Files.isDirectory(path)) {
            readFolder(path, splits);
        } else {
            readArchive(path, splits);
        }
        if (splits.values().stream().allMatch(List::isEmpty)) {
            throw new IOException(path + ": no aclImdb/{train,test}/{pos,neg}/*.txt reviews found; is this the IMDB archive?");
        }
        Comparator<Review> order = Comparator.comparingInt((Review r) -> r.label() == -1 ? 2 : r.label())
                .thenComparingInt(Review::id).thenComparingInt(Review::rating);
        splits.values().forEach(list -> list.sort(order));
        return new ImdbDataset(splits);
    }

    /** The reviews of a split that was loaded. */
    public List<Review> split(Split split) {
        List<Review> reviews = splits.get(split);
        if (reviews == null) {
            throw new IllegalArgumentException("split " + split + " was not loaded (loaded: " + splits.keySet() + ")");
        }
        return reviews;
    }

    /** Throws unless each labeled split loaded has 12,500 positive and 12,500 negative reviews, as the full dataset does. */
    public ImdbDataset requireFullDataset() throws IOException {
        for (Split split : List.of(Split.TRAIN, Split.TEST)) {
            if (!splits.containsKey(split)) {
                continue;
            }
            long positive = splits.get(split).stream().filter(r -> r.label() == 1).count();
            long negative = splits.get(split).stream().filter(r -> r.label() == 0).count();
            if (positive != 12_500 || negative != 12_500) {
                throw new IOException("IMDB " + split.name().toLowerCase(java.util.Locale.ROOT) + " split: expected 12,500"
                        + " positive and 12,500 negative reviews, found " + positive + " and " + negative
                        + " (an incomplete archive or folder?)");
            }
        }
        return this;
    }

    private static void readArchive(Path path, Map<Split, List<Review>> splits) throws IOException {
        try (InputStream file = new BufferedInputStream(Files.newInputStream(path), 1 << 16)) {
            InputStream tar = path.getFileName().toString().endsWith(".gz") ? gunzip(file, path) : file;
            TarReader reader = new TarReader(tar, path.toString());
            TarReader.Entry entry;
            while ((entry = reader.next()) != null) {
                Matcher match = REVIEW.matcher(entry.name());
                if (match.matches() && splits.containsKey(splitOf(match))) {
                    add(splits, match, new String(reader.readData(), StandardCharsets.UTF_8));
                }
            }
            // Read to the end so that gzip checks its CRC and length trailer: a cut or damaged
            // archive must fail even when the damage lies past the last review.
            tar.transferTo(OutputStream.nullOutputStream());
        } catch (EOFException e) {
            throw new TarFormatException(path + ": truncated gzip stream" + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"));
        } catch (ZipException e) {
            throw new TarFormatException(path + ": corrupt gzip stream (" + e.getMessage() + ")");
        }
    }

    private static InputStream gunzip(InputStream file, Path path) throws IOException {
        try {
            return new GZIPInputStream(file, 1 << 16);
        } catch (ZipException e) {
            throw new IOException(path + ": not a gzip file (" + e.getMessage() + ")", e);
        }
    }

    private static void readFolder(Path folder, Map<Split, List<Review>> splits) throws IOException {
        Path root = Files.isDirectory(folder.resolve("aclImdb")) ? folder : folder.getParent();
        if (root == null) {
            root = folder;
        }
        Path base = root;
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                Matcher match = REVIEW.matcher(base.relativize(file).toString().replace('\\', '/'));
                if (match.matches() && splits.containsKey(splitOf(match))) {
                    add(splits, match, Files.readString(file, StandardCharsets.UTF_8));
                }
            }
        }
    }

    /** unsup reviews form their own split; the others belong to train or test. */
    private static Split splitOf(Matcher match) {
        return match.group(2).equals("unsup") ? Split.UNSUP : Split.valueOf(match.group(1).toUpperCase(java.util.Locale.ROOT));
    }

    private static void add(Map<Split, List<Review>> splits, Matcher match, String text) {
        String kind = match.group(2);
        Split split = splitOf(match);
        int label = switch (kind) {
            case "pos" -> 1;
            case "neg" -> 0;
            default -> -1;
        };
        splits.get(split).add(new Review(text, label, Integer.parseInt(match.group(3)), Integer.parseInt(match.group(4))));
    }
}
