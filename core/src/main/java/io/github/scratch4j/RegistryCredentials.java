package io.github.scratch4j;

import java.util.Objects;

/**
 * A user name and password (or access token used as one) for a registry. {@link #toString()}
 * never shows the password.
 *
 * @param username the user name; for a registry token used as a password, what the registry
 *     expects there (often any non-empty value)
 * @param password the password or token
 */
public record RegistryCredentials(String username, String password) {
  /**
   * Checks that neither part is null or has a line break (which a header could not carry).
   *
   * @param username the user name
   * @param password the password or token
   * @throws NullPointerException if a part is null
   * @throws IllegalArgumentException if a part holds a line break
   */
  public RegistryCredentials {
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(password, "password");
    if (username.indexOf('\n') >= 0 || username.indexOf('\r') >= 0 || password.indexOf('\n') >= 0
        || password.indexOf('\r') >= 0) {
      throw new IllegalArgumentException("registry credentials cannot hold line breaks");
    }
  }

  /** The user name; the password is masked. */
  @Override
  public String toString() {
    return "RegistryCredentials[username=" + username + ", password=****]";
  }
}
