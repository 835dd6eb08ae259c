/**
 * The Large Movie Review Dataset: streaming reader for the .tar.gz (ustar, GNU and pax headers)
 * or an extracted folder, and a verified download into a cache. The product never needs the
 * repository's shared folder: users pass a path.
 */
package dev.kiln.nlp.imdb;
