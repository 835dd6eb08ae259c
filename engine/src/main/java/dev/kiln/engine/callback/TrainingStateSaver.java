package dev.kiln.engine.callback;

/**
 * Marks a callback that saves the training state (BackupAndRestore). The fit loop calls such
 * callbacks after all the others at every batch and epoch end, so the state they save already
 * holds the other callbacks' reaction to that batch or epoch.
 */
public interface TrainingStateSaver extends Callback {}
