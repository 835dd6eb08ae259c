package dev.kiln.nlp.imdb;

/** One review: its text, label (1 positive, 0 negative, -1 unlabeled), id and star rating (0 if none). */
public record Review(String text, int label, int id, int rating) {}
