// Entry point of the fingerprinting thread (fingerprint-thread.ts).
export { fingerprintOf as default } from './fingerprint.js';
