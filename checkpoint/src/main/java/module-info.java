/**
 * Kiln's checkpoints: the crash-safe v1 file format, whole-model and weights-only save and load,
 * {@code ModelCheckpoint}, {@code BackupAndRestore} and safetensors export and import.
 *
 * <p>Every package is exported: {@code callback} (the callbacks), {@code model}
 * ({@code ModelFile} and what it returns), {@code io} ({@code AtomicFileWriter},
 * {@code LoadLimits} and {@code CheckpointFormatException} appear in the public signatures),
 * {@code format} ({@code TensorFile}, {@code Safetensors}: the containers, to read a file's
 * tensors and metadata directly), {@code keras} (Keras model configs read into Kiln models and
 * written back: {@code KerasModelConfig} and its tables), {@code hdf5} ({@code Hdf5File}: HDF5
 * files read into typed groups, datasets and attributes, for Keras' files) and {@code dev.kiln.checkpoint}, the
 * {@code inspect} / {@code export} / {@code import} command, which the {@code kiln} command dispatches to (a
 * qualified export would make this module name the nlp module it must not know). What is
 * internal is package-private.
 */
module dev.kiln.checkpoint {
    requires transitive dev.kiln.engine;

    exports dev.kiln.checkpoint;
    exports dev.kiln.checkpoint.callback;
    exports dev.kiln.checkpoint.format;
    exports dev.kiln.checkpoint.hdf5;
    exports dev.kiln.checkpoint.io;
    exports dev.kiln.checkpoint.keras;
    exports dev.kiln.checkpoint.model;
}
