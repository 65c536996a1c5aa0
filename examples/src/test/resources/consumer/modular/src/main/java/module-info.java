/** A named module that uses prefine through the names in its jars' manifests. */
module com.example.modular {
    requires io.github.prefine.core;
    requires io.github.prefine.sampling;
    requires io.github.prefine.eval;
    requires io.github.prefine.heads;
    requires ai.djl.api;
}
