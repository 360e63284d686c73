package io.github.scratch4j.internal.registry;

import io.github.scratch4j.RegistryException;
import io.github.scratch4j.RegistryOptions;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;

/** Which hosts may be spoken to over plain HTTP, and which token services may be asked for tokens. */
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
   * Checks a token service's address from a registry's challenge before any request (and any
   * credentials) go there: HTTPS, or plain HTTP only to a host that may use it; and never a
   * link-local, wildcard or multicast address (such as a cloud's metadata service at
   * 169.254.169.254). When the challenge itself came over plain HTTP, anyone on the path could
   * have written it, so the service must then be on a host that may use plain HTTP too.
   */
  static URI checkRealm(String realm, String registry, boolean challengeOverTls, RegistryOptions options)
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
    return uri;
  }

  /** The URL without its query, which could carry anything. */
  static String safe(URI uri) {
    return (uri.getScheme() == null ? "" : uri.getScheme() + "://") + (uri.getRawAuthority() == null ? ""
        : uri.getRawAuthority().replaceAll("^.*@", "")) + (uri.getRawPath() == null ? "" : uri.getRawPath());
  }
}
