/**
 * Rng: the seeded generator every random draw goes through; its whole state is one long, so
 * checkpoints can save it exactly.
 */
package dev.kiln.engine.random;
