import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { randomBytes } from 'node:crypto';

/**
 * Separate "hosts" on one machine: a Linux network namespace per host, each with its own loopback, its own port
 * space and one address on a bridge that plays the switch. Processes started on a host see only its interfaces, so
 * nothing reaches another host but through the bridge, and cutting a host's cable (`ip link set ... down` on its end
 * of the veth pair) really cuts it off. The test process itself stays in the root namespace and reaches every host
 * through the bridge's own address.
 *
 * Every name carries a random run id (interface names are at most 15 characters), and each run picks its own /24,
 * so two runs on one machine do not touch each other's namespaces; destroy() removes what this run made, and
 * removeStale() what earlier runs of the same prefix left behind after a SIGKILL.
 */
export const PREFIX = 'vfc';

export interface Host {
  name: string;
  /** The namespace's name (`ip netns exec <ns> ...`). */
  ns: string;
  ip: string;
  /** The root-namespace end of the host's veth pair: down = cable cut. */
  cable: string;
}

export class Network {
  readonly id = randomBytes(2).toString('hex');
  readonly subnet = `10.231.${1 + (randomBytes(1)[0]! % 250)}`;
  readonly bridge = `${PREFIX}${this.id}br`;
  readonly gateway = `${this.subnet}.1`;
  private readonly hosts = new Map<string, Host>();
  private created = false;

  /** Creates the bridge; hosts are added with addHost(). */
  create(): void {
    ip('link', 'add', this.bridge, 'type', 'bridge');
    this.created = true;
    ip('addr', 'add', `${this.gateway}/24`, 'dev', this.bridge);
    ip('link', 'set', this.bridge, 'up');
  }

  /** A new host with address `<subnet>.<octet>`. */
  addHost(name: string, octet: number): Host {
    const host: Host = { name, ns: `${PREFIX}${this.id}-${name}`, ip: `${this.subnet}.${octet}`, cable: `${PREFIX}${this.id}h${octet}` };
    const inside = `${PREFIX}${this.id}n${octet}`;
    ip('netns', 'add', host.ns);
    this.hosts.set(name, host);
    ip('link', 'add', host.cable, 'type', 'veth', 'peer', 'name', inside);
    ip('link', 'set', inside, 'netns', host.ns);
    ip('link', 'set', host.cable, 'master', this.bridge);
    ip('link', 'set', host.cable, 'up');
    ip('-n', host.ns, 'addr', 'add', `${host.ip}/24`, 'dev', inside);
    ip('-n', host.ns, 'link', 'set', inside, 'up');
    ip('-n', host.ns, 'link', 'set', 'lo', 'up');
    return host;
  }

  host(name: string): Host {
    const host = this.hosts.get(name);
    if (!host) throw new Error(`no host ${name}`);
    return host;
  }

  /** Starts a process on `host`, its output appended to `logFile`. */
  spawn(host: Host, command: string, args: string[], options: { env: NodeJS.ProcessEnv; logFile: string; user?: string }): ChildProcess {
    const log = openSync(options.logFile, 'a');
    try {
      const asUser = options.user ? ['runuser', '-u', options.user, '--'] : [];
      return spawn('ip', ['netns', 'exec', host.ns, ...asUser, command, ...args], { env: options.env, stdio: ['ignore', log, log] });
    } finally {
      closeSync(log);
    }
  }

  /** Every process running in the host's namespace (what `ip netns pids` lists). */
  pids(host: Host): number[] {
    const out = execFileSync('ip', ['netns', 'pids', host.ns], { encoding: 'utf8' });
    return out.split(/\s+/).filter(Boolean).map(Number);
  }

  /** SIGKILLs every process of the host at once, as a power cut would; returns how many there were. */
  killAll(host: Host): number {
    const pids = this.pids(host);
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone already.
      }
    }
    return pids.length;
  }

  cut(host: Host): void {
    ip('link', 'set', host.cable, 'down');
  }

  reconnect(host: Host): void {
    ip('link', 'set', host.cable, 'up');
  }

  /** Kills every process of every host, then removes the namespaces and the bridge. Safe to call twice. */
  destroy(): void {
    for (const host of this.hosts.values()) {
      try {
        this.killAll(host);
      } catch {
        // The namespace may be gone.
      }
    }
    for (const host of this.hosts.values()) tryIp('netns', 'del', host.ns);
    this.hosts.clear();
    if (this.created) tryIp('link', 'del', this.bridge);
    this.created = false;
  }
}

/** Namespaces and bridges of earlier runs whose test process died before its cleanup (a SIGKILLed jest). */
export function removeStale(isStale: (runId: string) => boolean): string[] {
  const removed: string[] = [];
  const namespaces = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .split('\n')
    .map((l) => l.split(' ')[0]!)
    .filter((n) => n.startsWith(PREFIX));
  for (const ns of namespaces) {
    const runId = ns.slice(PREFIX.length, PREFIX.length + 4);
    if (!isStale(runId)) continue;
    for (const pid of execFileSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).split(/\s+/).filter(Boolean)) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // Gone already.
      }
    }
    tryIp('netns', 'del', ns);
    removed.push(ns);
  }
  const links = execFileSync('ip', ['-o', 'link', 'show', 'type', 'bridge'], { encoding: 'utf8' })
    .split('\n')
    .map((l) => /^\d+: ([^:@]+)/.exec(l)?.[1])
    .filter((n): n is string => !!n && n.startsWith(PREFIX));
  for (const link of links) {
    if (!isStale(link.slice(PREFIX.length, PREFIX.length + 4))) continue;
    tryIp('link', 'del', link);
    removed.push(link);
  }
  return removed;
}

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

function tryIp(...args: string[]): void {
  try {
    ip(...args);
  } catch {
    // Already gone.
  }
}
