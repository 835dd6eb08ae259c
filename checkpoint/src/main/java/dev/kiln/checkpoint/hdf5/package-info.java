/**
 * Reading HDF5 files, the container of Keras' {@code .h5} models and of the weights inside a
 * {@code .keras} archive: {@link dev.kiln.checkpoint.hdf5.Hdf5File} opens a file into a tree of
 * typed objects ({@link dev.kiln.checkpoint.hdf5.Hdf5Group}, {@link dev.kiln.checkpoint.hdf5.Hdf5Dataset}
 * with its dtype, shape and values, {@link dev.kiln.checkpoint.hdf5.Hdf5Attribute}). Written from
 * the HDF5 specification for what h5py writes, HDF5's default layout and HDF5 1.8's and 1.10's
 * (checkpoint/HDF5.md says what is read and what is refused, and why Kiln reads HDF5 itself rather
 * than through a library).
 * Depends on the engine (Shape) and dev.kiln.checkpoint.io (LoadLimits, CheckpointFormatException);
 * it knows nothing of Keras: turning the tree into a model is the importer's job.
 *
 * <p>Writing: {@link dev.kiln.checkpoint.hdf5.Hdf5Writer} writes a tree built with
 * {@link dev.kiln.checkpoint.hdf5.Hdf5GroupBuilder} ({@link dev.kiln.checkpoint.hdf5.Hdf5Data}
 * datasets, {@link dev.kiln.checkpoint.hdf5.Hdf5Value} attributes) in the same default layout,
 * deterministically, through the checkpoint's AtomicFileWriter.
 */
package dev.kiln.checkpoint.hdf5;
