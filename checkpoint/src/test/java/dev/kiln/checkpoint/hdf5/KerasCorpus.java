package dev.kiln.checkpoint.hdf5;

import dev.kiln.engine.testing.SharedFiles;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/** The HDF5 files of shared/keras-files: a stand-alone file, or the model.weights.h5 entry of a .keras zip. */
final class KerasCorpus {
    private KerasCorpus() {}

    /** The corpus file {@code name}. */
    static Path path(String name) {
        return SharedFiles.path("keras-files/" + name);
    }

    /** The HDF5 bytes of corpus file {@code name}: the file itself when {@code entry} is null, else that zip entry. */
    static byte[] bytes(String name, String entry) throws IOException {
        if (entry == null) {
            return Files.readAllBytes(path(name));
        }
        try (ZipFile zip = new ZipFile(path(name).toFile())) {
            ZipEntry found = zip.getEntry(entry);
            if (found == null) {
                throw new IOException(name + " has no entry " + entry);
            }
            try (InputStream in = zip.getInputStream(found)) {
                return in.readAllBytes();
            }
        }
    }

    /** The HDF5 file that is entry {@code entry} of the zip at {@code zip}. */
    static Hdf5File zipEntry(Path zip, String entry) throws IOException {
        try (ZipFile file = new ZipFile(zip.toFile()); InputStream in = file.getInputStream(file.getEntry(entry))) {
            return Hdf5File.read(ByteBuffer.wrap(in.readAllBytes()), zip + "!" + entry);
        }
    }

    /** Corpus file {@code name} (or its zip entry) opened as HDF5. */
    static Hdf5File open(String name, String entry) throws IOException {
        return entry == null ? Hdf5File.open(path(name)) : Hdf5File.read(ByteBuffer.wrap(bytes(name, entry)), name + "!" + entry);
    }
}
