// Entry point of a classification worker thread (piscina): large bodies are classified here, off the event loop.
export { inspect as default } from './inspect.js';
