// Whether a checkpoint note carries the cosignatures of enough of the configured witnesses. Pure.
import { verifyCosignatures } from '../../tlog/cosignature.js';

export interface WitnessPolicy {
  /** Witness verifier keys (signed-note vkeys, type 0x04). */
  keys: string[];
  quorum: number;
}

export interface WitnessStatus {
  ok: boolean;
  quorum: number;
  of: number;
  /** Names of the witnesses whose cosignature verified. */
  cosigned: string[];
  error: string | null;
}

export function witnessStatus(note: string, policy: WitnessPolicy): WitnessStatus {
  try {
    const cosigned = verifyCosignatures(note, policy.keys).map((c) => c.name);
    return { ok: cosigned.length >= policy.quorum, quorum: policy.quorum, of: policy.keys.length, cosigned, error: null };
  } catch (err) {
    return { ok: false, quorum: policy.quorum, of: policy.keys.length, cosigned: [], error: (err as Error).message };
  }
}
