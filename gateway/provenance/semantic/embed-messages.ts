// What the gateway and its embedding thread (embed-worker.ts) say to each other.
export interface EmbedWorkerData {
  modelDir: string;
  threads: number;
}

export interface EmbedRequest {
  id: number;
  texts: string[];
}

export type EmbedReply = { id: number; vectors: Float32Array } | { id: number; error: string };
