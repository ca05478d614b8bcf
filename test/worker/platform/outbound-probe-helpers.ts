import { inject } from "vitest";

/** What reached the outbound probe server (test/fakes/outbound-probe-server.ts) under one tag. */
export interface ProbeHit {
  path: string;
  method: string;
  headers: Record<string, string>;
  aborted?: boolean;
}

export const probeUrl = () => inject("outboundProbeUrl");

let seq = 0;
/** A tag no other test uses, so each test reads back only its own requests. */
export const probeTag = (label: string) => `${label}-${Date.now().toString(36)}-${(seq++).toString(36)}`;

/** A base URL on the probe whose every request is noted under `tag`. */
export const probeBase = (tag: string) => `${probeUrl()}/t/${tag}`;

export async function probeHits(tag: string): Promise<ProbeHit[]> {
  return (await fetch(`${probeUrl()}/__hits?tag=${encodeURIComponent(tag)}`)).json();
}
