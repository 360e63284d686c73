/** Builds OCI and Docker container images from scratch. */
package io.github.scratch4j;
