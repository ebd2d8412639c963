/**
 * The decoded image-folder cache (Node): one file per folder and options, holding a key over
 * every image's path, size and modification time, the options and the decoder's version, then
 * the pixels. An unchanged folder loads without decoding; a changed one is decoded again and
 * its cache replaced. A cache file that is unreadable, corrupt or stale is ignored and
 * rewritten; failing to write one is a warning, never an error. Files are written atomically.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { DataError } from '../core/errors.js';
import { writeFileAtomic } from './atomic-write.js';
import { DECODER, type ResizeFit } from './image.js';
import type { Listing } from './image-folder-list.js';

/** The cache folder's environment variable. */
export const CACHE_ENV = 'TSGRAD_CACHE_DIR';
const CACHE_MAGIC = 'TSGRADIF';
const CACHE_VERSION = 2;

/**
 * The cache folder: `$TSGRAD_CACHE_DIR`, else `$XDG_CACHE_HOME/tsgrad`, else `~/.cache/tsgrad`.
 * @example imageCacheDir({ XDG_CACHE_HOME: '/tmp/c' }) // '/tmp/c/tsgrad'
 */
export function imageCacheDir(env: Record<string, string | undefined> = process.env): string {
  const own = env[CACHE_ENV];
  if (own !== undefined && own !== '') return resolve(own);
  const xdg = env['XDG_CACHE_HOME'];
  return join(xdg !== undefined && xdg !== '' ? resolve(xdg) : join(homedir(), '.cache'), 'tsgrad');
}

/** The decoding options that make a cache file's pixels what they are. @example const o: Resolved = { size: 64, fit: 'fill', channels: 3, skipBad: false }; */
export interface Resolved {
  size: number;
  fit: ResizeFit;
  channels: 1 | 3;
  skipBad: boolean;
}

/** The stored sizes of a set's images (after EXIF orientation): how many differ, and the commonest (up to 1,000) as "WxH". @example const s: SizeSummary = { distinct: 2, examples: ['64x64', '96x80'] }; */
export interface SizeSummary {
  distinct: number;
  examples: string[];
}

const sha256 = (text: string | Uint8Array): string => createHash('sha256').update(text).digest('hex');

/**
 * Runs `work(0..n-1)`, `limit` at a time; the first failure stops the rest from starting.
 * @example await pool(files.length, 4, async (i) => decode(files[i]));
 */
export async function pool(n: number, limit: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < n) {
      const i = next++;
      try {
        await work(i);
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, n) }, worker));
}

/** Where a listing's cache lives (one file per folder and options, so a changed folder replaces its own) and the key its contents must carry. */
async function cacheKey(l: Listing, o: Resolved): Promise<{ name: string; key: string }> {
  const stats = new Array<string>(l.files.length);
  await pool(l.files.length, 32, async (i) => {
    const f = l.files[i] ?? '';
    const s = await stat(f, { bigint: true }).catch((e: NodeJS.ErrnoException) => {
      throw new DataError(f, undefined, `cannot read (${e.code ?? e.message})`);
    });
    stats[i] = `${relative(l.dir, f)}\u0000${s.size}\u0000${s.mtimeNs}\u0000${l.labels[i]}`;
  });
  const name = sha256(JSON.stringify([CACHE_VERSION, resolve(l.dir), o.size, o.fit, o.channels])).slice(0, 32);
  const key = sha256(JSON.stringify([CACHE_VERSION, DECODER, o, l.classes, stats]));
  return { name: `${name}.bin`, key };
}

/** A cache file's header: what its pixels are, and what decoding found (skipped files, sizes). */
export interface CacheHeader {
  key: string;
  count: number;
  size: number;
  channels: number;
  digest: string;
  /** Paths (relative to the listing's folder) that did not decode and were skipped (--skip-bad-images). */
  skipped: string[];
  sizes: SizeSummary;
}

/** The cache file's bytes: magic, version, header length (uint32 LE), the JSON header, the pixels. */
function encodeCache(h: CacheHeader, pixels: Uint8Array): Uint8Array {
  const header = Buffer.from(JSON.stringify(h));
  const head = Buffer.alloc(16);
  head.write(CACHE_MAGIC, 0, 'latin1');
  head.writeUInt32LE(CACHE_VERSION, 8);
  head.writeUInt32LE(header.length, 12);
  return Buffer.concat([head, header, pixels]);
}

/** The header and pixels of a cache file that matches `want` in every field and in its digest; undefined for anything else. */
function decodeCache(bytes: Buffer, want: { key: string; listed: number; size: number; channels: number }): { header: CacheHeader; pixels: Uint8Array } | undefined {
  if (bytes.length < 16 || bytes.toString('latin1', 0, 8) !== CACHE_MAGIC || bytes.readUInt32LE(8) !== CACHE_VERSION) return undefined;
  const length = bytes.readUInt32LE(12);
  if (16 + length > bytes.length) return undefined;
  let h: Partial<CacheHeader>;
  try {
    h = JSON.parse(bytes.toString('utf8', 16, 16 + length)) as Partial<CacheHeader>;
  } catch {
    return undefined;
  }
  const pixels = bytes.subarray(16 + length);
  if (h.key !== want.key || h.size !== want.size || h.channels !== want.channels || typeof h.count !== 'number') return undefined;
  if (!Array.isArray(h.skipped) || h.count + h.skipped.length !== want.listed || typeof h.sizes?.distinct !== 'number' || !Array.isArray(h.sizes.examples)) return undefined;
  if (pixels.length !== h.count * want.size * want.size * want.channels || h.digest !== sha256(pixels)) return undefined;
  return { header: h as CacheHeader, pixels: Uint8Array.from(pixels) };
}

/** One listing to load: its cache, and its pixels and findings once known. @example const j: Job = { listing, decoded: 0 }; */
export interface Job {
  listing: Listing;
  cacheFile?: string;
  key?: string;
  pixels?: Uint8Array;
  /** Images decoded by this load (0 when the cache held them). */
  decoded: number;
  skipped?: string[];
  sizes?: SizeSummary;
}

/**
 * Fills `job.pixels` (and what the decoding found) from the cache when it holds this listing.
 * @example await fromCache(job, o, imageCacheDir()); job.pixels !== undefined // a hit
 */
export async function fromCache(job: Job, o: Resolved, cacheDir: string | false): Promise<void> {
  if (cacheDir === false) return;
  const { name, key } = await cacheKey(job.listing, o);
  job.cacheFile = join(cacheDir, 'image-folders', name);
  job.key = key;
  const bytes = await readFile(job.cacheFile).catch(() => undefined);
  const hit = bytes === undefined ? undefined : decodeCache(bytes, { key, listed: job.listing.files.length, size: o.size, channels: o.channels });
  if (hit === undefined) return;
  job.pixels = hit.pixels;
  job.skipped = hit.header.skipped.map((p) => join(job.listing.dir, p));
  job.sizes = hit.header.sizes;
}

/**
 * Writes a decoded job's pixels to its cache file; a failure is one warning line.
 * @example await toCache(job, o, warn);
 */
export async function toCache(job: Job, o: Resolved, warn: ((line: string) => void) | undefined): Promise<void> {
  const { pixels } = job;
  if (job.cacheFile === undefined || job.key === undefined || pixels === undefined) return;
  const skipped = (job.skipped ?? []).map((p) => relative(job.listing.dir, p));
  const count = pixels.length / (o.size * o.size * o.channels);
  const header: CacheHeader = { key: job.key, count, size: o.size, channels: o.channels, digest: sha256(pixels), skipped, sizes: job.sizes ?? { distinct: 0, examples: [] } };
  try {
    // writeFileAtomic makes the cache folder level by level (recursive mkdir spins under /proc).
    await writeFileAtomic(job.cacheFile, encodeCache(header, pixels));
  } catch (e) {
    warn?.(`cannot cache the decoded images of ${job.listing.dir} in ${job.cacheFile} (${(e as Error).message.split('\n')[0] ?? ''}); the next run decodes them again (--no-cache skips the cache)`);
  }
}
