/** A program that builds an image with scratch4j, run on the module path. */
module example.consumer {
  requires io.github.scratch4j;
}
