// What the gateway and its embedding thread (embed-worker.ts) say to each other.
export interface EmbedWorkerData {
  modelDir: string;
  threads: number;
  /** Run at the lowest CPU priority (provenance.semantic.priority: low). */
  lowPriority: boolean;
}

/** A restricted output to index: the thread cuts it into windows and embeds those not indexed before. */
export interface OutputToIndex {
  text: string;
  licence: string;
  licenceClass: string | null;
  /** When it was served (ms): a copy is passed over only within SEEN_FOR_MS of it (seen-windows.ts). */
  time: number;
}

/** Texts to embed as they are (a record's windows; their coarse vectors only, when `coarse`), or outputs to cut, screen and embed (after forgetting what was seen, when retention forgot outputs). */
export type EmbedRequest = { id: number; texts: string[]; coarse?: true } | { id: number; outputs: OutputToIndex[]; forgetSeen?: true };

/** An output's new windows: the model's vectors and the coarse ones, as many. */
export interface IndexedOutput {
  vectors: Float32Array;
  coarse: Float32Array;
}

/** Finish the model run in progress, refuse what is queued, and end the thread (embedding-thread.ts close). */
export interface StopRequest {
  stop: true;
}

/** Per output, the vectors of its windows that were new (empty when every window was indexed before). */
export type EmbedReply = { id: number; vectors: Float32Array } | { id: number; indexed: IndexedOutput[] } | { id: number; error: string };
