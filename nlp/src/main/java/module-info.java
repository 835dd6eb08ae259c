/**
 * Kiln's text side: {@code TextVectorization} with Keras' rules, the IMDB reviews dataset, readers
 * of a user's own labelled texts (class folders, CSV, TSV, JSON Lines), charts of a training
 * history, and the {@code kiln} command (demo, train, predict).
 *
 * <p>Exported: {@code dev.kiln.nlp}, {@code imdb}, {@code plot} and {@code source}. The package
 * {@code dev.kiln.nlp.demo} is the command line and the demo's wiring, not a library API, so it is
 * not exported; it runs on the module path as {@code -m dev.kiln.nlp/dev.kiln.nlp.demo.Kiln}.
 * {@code java.desktop} (PNG charts through javax.imageio) and {@code java.net.http} (the verified
 * download) are used inside, never in a public signature, so they are not transitive.
 */
module dev.kiln.nlp {
    requires transitive dev.kiln.checkpoint;
    requires java.desktop;
    requires java.net.http;

    exports dev.kiln.nlp;
    exports dev.kiln.nlp.imdb;
    exports dev.kiln.nlp.plot;
    exports dev.kiln.nlp.source;
}
