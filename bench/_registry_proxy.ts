/**
 * A counting HTTPS proxy on 127.0.0.1 for the cold start: Deno, given
 * `HTTPS_PROXY`, opens a `CONNECT` tunnel through it to the npm registry, and
 * the proxy counts every byte each way as it relays them. The bytes are the
 * TLS records as they cross the network (compression, headers and the TLS
 * handshake included), which is what a runner downloads; the proxy sees
 * nothing inside them, and tunnels to the allowed hosts only.
 *
 * @module
 */

/** A running proxy and what went through it. */
export interface RegistryProxy {
  /** `http://127.0.0.1:PORT`, for `HTTPS_PROXY`. */
  url: string;
  /** Bytes relayed from the registry to the client so far. */
  readonly bytesDown: number;
  /** Bytes relayed from the client to the registry so far. */
  readonly bytesUp: number;
  /** Tunnels opened so far. */
  readonly tunnels: number;
  /** Tunnels refused (a host not allowed) so far. */
  readonly refused: number;
  /** Stops listening and closes every tunnel. */
  close(): Promise<void>;
}

const HEAD_END = new TextEncoder().encode("\r\n\r\n");

/**
 * Starts the proxy.
 *
 * @param allowedHosts The `host:port` pairs a tunnel may go to, e.g. `registry.npmjs.org:443`.
 * @returns The running proxy.
 */
export function startRegistryProxy(
  allowedHosts: readonly string[],
): RegistryProxy {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const open = new Set<Deno.Conn>();
  const relays = new Set<Promise<void>>();
  const counts = { bytesDown: 0, bytesUp: 0, tunnels: 0, refused: 0 };

  async function relay(
    from: Deno.Conn,
    to: Deno.Conn,
    count: "bytesDown" | "bytesUp",
  ) {
    const buffer = new Uint8Array(64 * 1024);
    try {
      for (;;) {
        const read = await from.read(buffer);
        if (read === null) break;
        counts[count] += read;
        await writeAll(to, buffer.subarray(0, read));
      }
    } catch {
      // A closed side ends the relay.
    }
    try {
      await to.closeWrite();
    } catch {
      // already closed
    }
  }

  async function serve(client: Deno.Conn) {
    open.add(client);
    let upstream: Deno.Conn | undefined;
    try {
      const { head, rest } = await readHead(client);
      const [method, target] = head.split(" ");
      if (method !== "CONNECT" || !allowedHosts.includes(target)) {
        counts.refused++;
        await writeAll(
          client,
          new TextEncoder().encode("HTTP/1.1 403 Forbidden\r\n\r\n"),
        );
        return;
      }
      const at = target.lastIndexOf(":");
      upstream = await Deno.connect({
        hostname: target.slice(0, at),
        port: Number(target.slice(at + 1)),
      });
      open.add(upstream);
      counts.tunnels++;
      await writeAll(
        client,
        new TextEncoder().encode("HTTP/1.1 200 Connection Established\r\n\r\n"),
      );
      if (rest.length > 0) {
        counts.bytesUp += rest.length;
        await writeAll(upstream, rest);
      }
      await Promise.all([
        relay(client, upstream, "bytesUp"),
        relay(upstream, client, "bytesDown"),
      ]);
    } catch {
      // A tunnel that breaks is the client's to notice.
    } finally {
      for (const conn of [client, upstream]) {
        if (conn === undefined) continue;
        open.delete(conn);
        try {
          conn.close();
        } catch {
          // already closed
        }
      }
    }
  }

  const accepting = (async () => {
    try {
      for await (const client of listener) {
        const served = serve(client);
        relays.add(served);
        served.finally(() => relays.delete(served));
      }
    } catch {
      // The listener was closed.
    }
  })();

  const { port } = listener.addr as Deno.NetAddr;
  return {
    url: `http://127.0.0.1:${port}`,
    get bytesDown() {
      return counts.bytesDown;
    },
    get bytesUp() {
      return counts.bytesUp;
    },
    get tunnels() {
      return counts.tunnels;
    },
    get refused() {
      return counts.refused;
    },
    async close() {
      listener.close();
      for (const conn of open) {
        try {
          conn.close();
        } catch {
          // already closed
        }
      }
      await accepting;
      await Promise.all(relays);
    },
  };
}

/** Reads a request head up to its blank line; what came after it is `rest`. */
async function readHead(
  conn: Deno.Conn,
): Promise<{ head: string; rest: Uint8Array }> {
  let received = new Uint8Array(0);
  const buffer = new Uint8Array(4096);
  for (;;) {
    const end = indexOf(received, HEAD_END);
    if (end >= 0) {
      return {
        head: new TextDecoder().decode(received.subarray(0, end)),
        rest: received.slice(end + HEAD_END.length),
      };
    }
    if (received.length > 16 * 1024) throw new Error("request head too long");
    const read = await conn.read(buffer);
    if (read === null) throw new Error("connection closed before the head");
    const next = new Uint8Array(received.length + read);
    next.set(received);
    next.set(buffer.subarray(0, read), received.length);
    received = next;
  }
}

function indexOf(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) {
      if (haystack[i + j] !== needle[j]) continue outer;
    }
    return i;
  }
  return -1;
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  for (let written = 0; written < bytes.length;) {
    written += await conn.write(bytes.subarray(written));
  }
}
