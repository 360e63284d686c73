/**
 * AssertJ assertions for images, archives and indexes, for the unit tests of programs that build
 * images: {@code ImageAssertions.assertThat(image).hasFile("/hello").isExecutable()}. Failure
 * messages show what the image does have. These classes need {@code org.assertj:assertj-core}
 * on the test class path; scratch4j declares it optional, so nobody who does not use them carries it.
 */
package io.github.scratch4j.assertj;
