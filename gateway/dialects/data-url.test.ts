import t from 'tap';
import fc from 'fast-check';
import { parseDataUrl } from './data-url.js';

t.test('property: a base64 data: URL gives back its media type and data; anything else is null', async () => {
  const mediaType = fc.constantFrom('image/png', 'image/jpeg', 'image/webp', 'image/svg+xml');
  fc.assert(
    fc.property(mediaType, fc.base64String({ minLength: 4 }), (type, data) => {
      const parsed = parseDataUrl(`data:${type};base64,${data}`);
      return parsed !== null && parsed.mediaType === type && parsed.data === data;
    }),
  );
  fc.assert(fc.property(fc.webUrl(), (url) => parseDataUrl(url) === null));
  t.equal(parseDataUrl('data:image/png,rawbytes'), null, 'not base64');
  t.equal(parseDataUrl('data:image/png;base64,AAAA\nBBBB'), null, 'one line only');
});
