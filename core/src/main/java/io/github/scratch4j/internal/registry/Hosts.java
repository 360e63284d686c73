package io.github.scratch4j.internal.registry;

import io.github.scratch4j.RegistryException;
import io.github.scratch4j.RegistryOptions;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;

/**
 * Which hosts may be spoken to over plain HTTP, which token services may be asked for tokens, and
 * which of them get the registry's credentials.
 */
final class Hosts {
  private Hosts() {}

  /** The host of {@code host[:port]} or {@code [v6]:port}, lower-case, without brackets. */
  static String hostOf(String registry) {
    String r = registry.toLowerCase(Locale.ROOT);
    if (r.startsWith("[")) {
      int end = r.indexOf(']');
      return end < 0 ? r : r.substring(1, end);
    }
    int colon = r.lastIndexOf(':');
    return colon < 0 ? r : r.substring(0, colon);
  }

  /** {@code localhost} or a loopback address literal: names no other machine can answer for. */
  static boolean isLoopback(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    if (h.equals("localhost") || h.endsWith(".localhost") || h.equals("::1")) {
      return true;
    }
    return h.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
  }

  /** Whether {@code registry} may be spoken to over plain HTTP: loopback, or marked insecure. */
  static boolean allowsPlainHttp(String registry, RegistryOptions options) {
    String r = registry.toLowerCase(Locale.ROOT);
    return isLoopback(hostOf(r)) || options.insecureRegistries().contains(r)
        || options.insecureRegistries().contains(hostOf(r));
  }

  /**
   * A token service that may be asked, and why the registry's credentials must not go with the
   * request (empty when they may).
   */
  record Realm(URI uri, Optional<String> withheld) {}

  /**
   * Checks a token service's address from a registry's challenge before any request goes there:
   * HTTPS, or plain HTTP only to a host that may use it; and never a link-local, wildcard or
   * multicast address (such as a cloud's metadata service at 169.254.169.254).
   *
   * <p>Which credentials go with the request follows the origin (scheme, host, port). A challenge
   * that came over HTTPS is the registry's own word, so its token service gets the registry's
   * credentials wherever it is (the usual flow: registry on one host, token service on another).
   * A challenge over plain HTTP could have been written by anyone on the path, or by another
   * program on the same machine: the credentials then go only to a token service at the
   * registry's own origin, or at an origin the user trusted by listing it with
   * {@code withInsecureRegistry} ({@code host:port}, or the bare host for every port). Any other
   * token service on a host that may use plain HTTP (another loopback address or port) is asked
   * without credentials; one on any other host is refused.
   */
  static Realm checkRealm(String realm, String registry, URI registryBase, RegistryOptions options)
      throws RegistryException {
    URI uri;
    try {
      uri = new URI(realm);
    } catch (java.net.URISyntaxException e) {
      throw new RegistryException("registry " + registry + " named a token service that is not a URL", -1);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    String host = uri.getHost();
    if (host == null || !(scheme.equals("https") || scheme.equals("http")) || uri.getRawUserInfo() != null) {
      throw new RegistryException("registry " + registry + " named token service '" + safe(uri)
          + "', which is not an http(s) URL with a host", -1);
    }
    String hostPort = uri.getPort() < 0 ? host : host + ":" + uri.getPort();
    boolean plainAllowed = allowsPlainHttp(hostPort, options);
    if (scheme.equals("http") && !plainAllowed) {
      throw new RegistryException("registry " + registry + " named token service " + safe(uri)
          + " over plain HTTP; only loopback hosts and registries marked insecure may use HTTP", -1);
    }
    boolean challengeOverTls = registryBase.getScheme().equalsIgnoreCase("https");
    if (!challengeOverTls && !plainAllowed) {
      throw new RegistryException("registry " + registry + " answered over plain HTTP and named token service "
          + safe(uri) + " on another host; credentials go there only when the challenge came over HTTPS", -1);
    }
    try {
      for (InetAddress a : InetAddress.getAllByName(host)) {
        if (a.isLinkLocalAddress() || a.isAnyLocalAddress() || a.isMulticastAddress()) {
          throw new RegistryException("registry " + registry + " named token service " + safe(uri)
              + ", which resolves to " + a.getHostAddress() + " (link-local, wildcard or multicast); refused", -1);
        }
      }
    } catch (UnknownHostException e) {
      throw new RegistryException("registry " + registry + " named token service " + safe(uri)
          + ", whose host does not resolve", e);
    }
    if (challengeOverTls || RegistryClient.sameOrigin(uri, registryBase) || trusted(uri, options)) {
      return new Realm(uri, Optional.empty());
    }
    String origin = host.toLowerCase(Locale.ROOT) + ":" + RegistryClient.port(uri);
    return new Realm(uri, Optional.of("registry " + registry + " answered over plain HTTP and named token service "
        + safe(uri) + ", which is not at the registry's origin; list " + origin
        + " with RegistryOptions.withInsecureRegistry to trust it with the registry's credentials"));
  }

  /** Whether the user listed this origin with {@code withInsecureRegistry}: its host and port, or its host alone. */
  static boolean trusted(URI uri, RegistryOptions options) {
    String host = uri.getHost().toLowerCase(Locale.ROOT);
    String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    int port = RegistryClient.port(uri);
    java.util.Set<String> listed = options.insecureRegistries();
    return listed.contains(host + ":" + port) || listed.contains(host) || listed.contains(bare);
  }

  /** The URL without its query, which could carry anything. */
  static String safe(URI uri) {
    return (uri.getScheme() == null ? "" : uri.getScheme() + "://") + (uri.getRawAuthority() == null ? ""
        : uri.getRawAuthority().replaceAll("^.*@", "")) + (uri.getRawPath() == null ? "" : uri.getRawPath());
  }
}
