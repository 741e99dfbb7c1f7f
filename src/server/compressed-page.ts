import type http from 'node:http';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

type Encoding = 'br' | 'gzip';
const COMPRESS: Record<Encoding, (html: string) => Promise<Buffer>> = {
  // Quality 9, not 11: the 9 MB page compresses in about a second instead of many, for nearly the same size.
  br: (html) => promisify(brotliCompress)(html, { params: { [constants.BROTLI_PARAM_QUALITY]: 9, [constants.BROTLI_PARAM_SIZE_HINT]: Buffer.byteLength(html) } }),
  gzip: (html) => promisify(gzip)(html, { level: 9 }),
};

/**
 * The playground page, compressed once per encoding and kept: it is rendered once, so only the
 * latest page's variants are held (a new page text replaces them).
 */
export class CompressedPage {
  private html: string | undefined;
  private readonly variants = new Map<Encoding, Promise<Buffer>>();

  /** Sends `html` compressed by the request's Accept-Encoding (br, then gzip), else as is. */
  async send(req: http.IncomingMessage, res: http.ServerResponse, status: number, headers: Iterable<[string, string]>, html: string): Promise<void> {
    for (const [key, value] of headers) res.setHeader(key, value);
    res.setHeader('vary', 'Accept-Encoding');
    const encoding = preferredEncoding(req.headers['accept-encoding']);
    if (!encoding) {
      res.writeHead(status, { 'content-length': Buffer.byteLength(html) });
      res.end(html);
      return;
    }
    const body = await this.variant(html, encoding);
    res.writeHead(status, { 'content-encoding': encoding, 'content-length': body.length });
    res.end(body);
  }

  private variant(html: string, encoding: Encoding): Promise<Buffer> {
    if (html !== this.html) {
      this.html = html;
      this.variants.clear();
    }
    let variant = this.variants.get(encoding);
    if (!variant) {
      variant = COMPRESS[encoding](html);
      this.variants.set(encoding, variant);
      // A failed compression is not kept: the next request tries again.
      variant.catch(() => this.variants.get(encoding) === variant && this.variants.delete(encoding));
    }
    return variant;
  }
}

/** br when accepted, else gzip, else none (an encoding with q=0 is refused). */
export function preferredEncoding(acceptEncoding: string | undefined): Encoding | null {
  const accepted = new Set<string>();
  for (const part of (acceptEncoding ?? '').split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((param) => /^\s*q=([\d.]+)\s*$/.exec(param)?.[1]).find((value) => value !== undefined);
    if (name && (q === undefined || Number(q) > 0)) accepted.add(name);
  }
  if (accepted.has('br')) return 'br';
  if (accepted.has('gzip')) return 'gzip';
  return null;
}
