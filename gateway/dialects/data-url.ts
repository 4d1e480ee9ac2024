// A base64 data: URL (an OpenAI image part), as the media type and data that Gemini and Anthropic take.

export function parseDataUrl(url: string): { mediaType: string; data: string } | null {
  const m = /^data:([\w.+-]+\/[\w.+-]+);base64,([A-Za-z0-9+/=]+)$/.exec(url);
  return m ? { mediaType: m[1], data: m[2] } : null;
}
