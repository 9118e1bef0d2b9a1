import type { KubeObject } from '../emulator/types.ts';
import type { Cluster } from './cluster.ts';
import type { GatewayApiBehaviour, RouteBook } from './gateway-api.ts';
import { nameSuffix } from './hash.ts';
import type { ImageBook } from './images.ts';
import type { ResolvedNode } from './nodes.ts';
import type { PrimaryTemplates } from './primary.ts';

/** What every controller of the world sees during one pass. */
export interface WorldContext {
  readonly cluster: Cluster;
  /** Virtual time of the current tick: everything the controllers decide follows it, never the number of calls. */
  readonly now: Date;
  /** Length of one tick in virtual time, in milliseconds: what `readyAfterTicks` counts. */
  readonly tickMs: number;
  readonly nodes: readonly ResolvedNode[];
  readonly images: ImageBook;
  readonly primaries: PrimaryTemplates;
  readonly pods: PodBook;
  /** Per autoscaler uid: the replica count its "metrics" recommend and the count it last wrote itself. */
  readonly recommendations: Map<string, { recommended: number; wrote: number | undefined }>;
  readonly neverReadyAfterPromotion: boolean;
  /** How the emulated Gateway API controller behaves, and its memory of route generations. */
  readonly gatewayApi: GatewayApiBehaviour;
  readonly routes: RouteBook;
}

/**
 * The kubelets' memory of pods: the virtual time each pod was first seen at (what `readyAfterTicks` and the
 * crash-loop back-off count from) and the IP it was given, plus deterministic name and address allocation.
 */
export class PodBook {
  private readonly births = new Map<string, number>();
  private readonly ips = new Map<string, string>();
  private seq = 0;

  /**
   * When `pod` started, in epoch milliseconds; a pod seen for the first time starts at `now`. The world's own
   * time, not `creationTimestamp`: the API server stamps that from its clock, which a scenario sets to the end
   * of the interval the world is settling.
   */
  birthTime(pod: KubeObject, now: Date): number {
    const uid = pod.metadata.uid ?? pod.metadata.name;
    let born = this.births.get(uid);
    if (born === undefined) {
      born = now.getTime();
      this.births.set(uid, born);
    }
    return born;
  }

  /** The pod IP of `pod`, allocated from 10.244.0.0/16 on first use. */
  podIp(pod: KubeObject): string {
    const uid = pod.metadata.uid ?? pod.metadata.name;
    let ip = this.ips.get(uid);
    if (ip === undefined) {
      const n = this.ips.size + 2;
      ip = `10.244.${(n >> 8) & 255}.${n & 255}`;
      this.ips.set(uid, ip);
    }
    return ip;
  }

  /** A fresh pod name `<prefix>-<5 chars>` that `taken` does not report as used. */
  podName(prefix: string, taken: (name: string) => boolean): string {
    for (;;) {
      const name = `${prefix}-${nameSuffix(`${prefix}/${this.seq++}`)}`;
      if (!taken(name)) return name;
    }
  }
}
