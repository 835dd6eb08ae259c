/** Kiln's engine is all this program needs; it brings the Vector API with it. */
module com.example.firstmodel {
    requires dev.kiln.engine;
}
