/**
 * Keras model configs as data: {@link dev.kiln.checkpoint.keras.KerasModelConfig} reads the JSON of
 * a Sequential model as Keras 2 and Keras 3 write it ({@code model.to_json()}, the
 * {@code config.json} of a {@code .keras} archive) into a Kiln model, and writes a Kiln model's
 * config back in Keras 3's form. What each Keras layer class may say is a table
 * ({@link dev.kiln.checkpoint.keras.KerasLayer}, one per class, all of the engine's in
 * {@link dev.kiln.checkpoint.keras.KerasLayers#engine()}): every key Keras writes is read, accepted
 * because it does not change the computation, or accepted only at the value Kiln computes; any
 * other value, any other key and any other layer class is refused with the file, the layer, the
 * key, the value and what is allowed. The untyped JSON stays inside this package: callers get a
 * {@link dev.kiln.checkpoint.keras.KerasImport}. {@link dev.kiln.checkpoint.keras.KerasModelFile} reads
 * a whole model file (a Keras 3 {@code .keras} zip, a Keras 2 HDF5 full model) into a built model
 * with the file's weights; {@link dev.kiln.checkpoint.keras.KerasArchiveWriter} and
 * {@link dev.kiln.checkpoint.keras.KerasHdf5Writer} write a built model as a {@code .keras} archive
 * or a legacy full-model {@code .h5} file, each table saying where its class keeps its variables
 * ({@link dev.kiln.checkpoint.keras.KerasVariableLayout}) and what else it saves
 * ({@link dev.kiln.checkpoint.keras.KerasSavedState}). Depends on the engine (layers, PartConfig, the JSON
 * reader) and the checkpoint's load limits and HDF5 reader and writer; it never executes or instantiates anything a file
 * names except through the tables.
 */
package dev.kiln.checkpoint.keras;
