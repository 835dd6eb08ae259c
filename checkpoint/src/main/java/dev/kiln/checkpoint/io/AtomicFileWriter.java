package dev.kiln.checkpoint.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes a file so that a crash or an error at any point leaves the previous version intact and
 * readable: the content goes to a temporary file in the same folder, which is forced to disk,
 * then renamed over the target in one atomic step, and the folder is forced so the rename itself
 * survives a power cut. On failure the temporary file is removed and the error names the target.
 */
public final class AtomicFileWriter {
    private static final String TEMPORARY_SUFFIX = ".tmp";
    /** Opens the channel the content is written to: the real file system, or a test's failing one. */
    @FunctionalInterface
    public interface ChannelOpener {
        FileChannel open(Path path) throws IOException;

        ChannelOpener DEFAULT = path -> FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
    }

    /** Writes the whole content to the channel. */
    @FunctionalInterface
    public interface Content {
        void writeTo(FileChannel channel) throws IOException;
    }

    private final ChannelOpener opener;
    private final boolean fsync;

    /** @param fsync force data and the folder to disk (off: faster, still atomic against crashes of the JVM) */
    public AtomicFileWriter(ChannelOpener opener, boolean fsync) {
        this.opener = opener;
        this.fsync = fsync;
    }

    public AtomicFileWriter(boolean fsync) {
        this(ChannelOpener.DEFAULT, fsync);
    }

    public void write(Path target, Content content) throws IOException {
        Path folder = target.toAbsolutePath().getParent();
        Files.createDirectories(folder);
        if (Files.isDirectory(target)) {
            throw new IOException("cannot write " + target + ": it is an existing directory");
        }
        removeLeftovers(folder, target.getFileName().toString());
        // Not Files.createTempFile: that makes the file owner-only, and the rename would keep it so.
        Path temporary = Files.createFile(folder.resolve(temporaryPrefix(target.getFileName().toString())
                + java.util.UUID.randomUUID() + TEMPORARY_SUFFIX));
        boolean moved = false;
        try {
            try (FileChannel channel = opener.open(temporary)) {
                content.writeTo(channel);
                if (fsync) {
                    channel.force(true);
                }
            }
            try {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot replace " + target + " atomically on this file system", e);
            }
            moved = true;
            if (fsync) {
                forceFolder(folder);
            }
        } catch (IOException | RuntimeException e) {
            if (!moved) {
                Files.deleteIfExists(temporary);
                throw new IOException("writing " + target + " failed (" + e.getMessage() + "); the previous file, if any, is unchanged", e);
            }
            throw e;
        }
    }

    private static String temporaryPrefix(String name) {
        return "." + name + ".";
    }

    /**
     * Deletes temporary files of this target left by a writer that was killed mid-save (a target
     * has one writer at a time: Kiln's callbacks keep at most one save of a file in flight).
     */
    private static void removeLeftovers(Path folder, String name) throws IOException {
        String prefix = temporaryPrefix(name);
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(folder,
                entry -> entry.getFileName().toString().startsWith(prefix) && entry.getFileName().toString().endsWith(TEMPORARY_SUFFIX)
                        && entry.getFileName().toString().length() == prefix.length() + 36 + TEMPORARY_SUFFIX.length())) {
            for (Path leftover : leftovers) {
                Files.deleteIfExists(leftover);
            }
        }
    }

    private static void forceFolder(Path folder) throws IOException {
        try (FileChannel directory = FileChannel.open(folder, StandardOpenOption.READ)) {
            directory.force(true);
        } catch (IOException e) {
            // Some file systems cannot open a folder for reading; the rename is done, only its durability is weaker.
            if (!System.getProperty("os.name", "").startsWith("Windows")) {
                throw e;
            }
        }
    }
}
