package dev.kiln.checkpoint.keras;

import dev.kiln.checkpoint.hdf5.Hdf5Dataset;

/**
 * One Keras variable of a layer as a weights file stores it: its name in that file's layout
 * ({@code vars/0}, {@code cell/vars/1}, {@code dense_1/kernel:0}) and its dataset, not yet read.
 */
record KerasVariable(String name, Hdf5Dataset dataset) {}
