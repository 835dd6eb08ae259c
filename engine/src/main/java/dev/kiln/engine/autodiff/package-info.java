/**
 * Reverse-mode automatic differentiation. Operations (Ops) compute with the kernels and record
 * their backward rule on a Tape; Tape.backward replays the record in reverse, and every rule
 * adds into its inputs' gradients, so a value used twice gets the sum. An inference tape records
 * nothing.
 */
package dev.kiln.engine.autodiff;
