import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import sharp, { type Sharp } from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { ArgumentError } from '../../src/core/errors.js';
import { decodeImage, encodePng, readImageForModel, svgToPng } from '../../src/data/image.js';
import { dataError, removeTempDirs, tempDir } from './fixtures.js';

afterAll(removeTempDirs);

/** A w x h RGB image whose left half is red and right half blue. */
function halves(w: number, h: number): Uint8Array {
  const px = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) px.set(x < w / 2 ? [255, 0, 0] : [0, 0, 255], (y * w + x) * 3);
  return px;
}

function rawImage(px: Uint8Array, width: number, height: number): Sharp {
  return sharp(Buffer.from(px), { raw: { width, height, channels: 3 } });
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([Buffer.from(type), data])));
  return Buffer.concat([len, Buffer.from(type), data, crc]);
}

/**
 * A tiny PNG whose header claims `w` x `h` pixels, with a few bytes of image data behind it:
 * the shape of a decompression bomb, without the memory it would take to make a real one.
 */
function pngClaiming(w: number, h: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, deflate, no filter, no interlace
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.alloc(10))), chunk('IEND', Buffer.alloc(0))]);
}

describe('readImageForModel', () => {
  it('reads a 64x64 PNG back to exactly the pixels written', async () => {
    const px = Uint8Array.from({ length: 64 * 64 * 3 }, (_, i) => (i * 7919) % 256);
    const file = join(await tempDir(), 'x.png');
    await writeFile(file, await encodePng(px, 64, 64, 3));
    const img = await readImageForModel(file, { width: 64, height: 64 });
    expect(img).toMatchObject({ format: 'png', originalWidth: 64, originalHeight: 64, orientation: 1, width: 64, height: 64 });
    expect(Buffer.from(img.pixels).equals(Buffer.from(px))).toBe(true);
  });

  it('resizes JPEG and WebP of any size to the model input, stretching by default', async () => {
    const dir = await tempDir();
    const jpg = join(dir, 'wide.jpg');
    const webp = join(dir, 'wide.webp');
    await rawImage(halves(300, 100), 300, 100).jpeg({ quality: 95 }).toFile(jpg);
    await rawImage(halves(300, 100), 300, 100).webp({ lossless: true }).toFile(webp);
    for (const file of [jpg, webp]) {
      const img = await readImageForModel(file, { width: 64, height: 64 });
      expect([img.width, img.height, img.pixels.length]).toEqual([64, 64, 64 * 64 * 3]);
      expect([img.originalWidth, img.originalHeight]).toEqual([300, 100]);
      // Left column red, right column blue: stretched, not cropped.
      const at = (x: number, y: number): number[] => [...img.pixels.subarray((y * 64 + x) * 3, (y * 64 + x) * 3 + 3)];
      expect(at(2, 32)[0]).toBeGreaterThan(200);
      expect(at(61, 32)[2]).toBeGreaterThan(200);
    }
  });

  it('applies the EXIF orientation before resizing', async () => {
    // Stored 40 wide x 20 high, left half red; orientation 6 means "rotate 90° clockwise to
    // display", so the displayed image is 20 x 40 with red on top.
    const file = join(await tempDir(), 'rotated.jpg');
    await rawImage(halves(40, 20), 40, 20).jpeg({ quality: 95 }).withMetadata({ orientation: 6 }).toFile(file);
    const img = await readImageForModel(file, { width: 20, height: 40 });
    expect(img.orientation).toBe(6);
    const at = (x: number, y: number): number[] => [...img.pixels.subarray((y * 20 + x) * 3, (y * 20 + x) * 3 + 3)];
    expect(at(10, 3)[0]).toBeGreaterThan(200);
    expect(at(10, 3)[2]).toBeLessThan(60);
    expect(at(10, 36)[2]).toBeGreaterThan(200);
    expect(at(10, 36)[0]).toBeLessThan(60);
  });

  it('flattens transparency onto white', async () => {
    const file = join(await tempDir(), 'clear.png');
    await sharp({ create: { width: 8, height: 8, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } }).png().toFile(file);
    const img = await readImageForModel(file, { width: 8, height: 8 });
    expect(new Set(img.pixels)).toEqual(new Set([255]));
  });

  it('refuses images above the pixel limit from the header alone (decompression bombs)', async () => {
    const dir = await tempDir();
    // 100,000 x 100,000 claimed: 10 gigapixels, never decoded.
    const bomb = join(dir, 'bomb.png');
    await writeFile(bomb, pngClaiming(100_000, 100_000));
    const e = await dataError(readImageForModel(bomb, { width: 64, height: 64 }));
    expect(e.file).toBe(bomb);
    expect(e.message).toContain('100000x100000');
    expect(e.message).toContain('above the limit of 50 megapixels');
    expect(e.message).toContain('decompression bomb');
    // A small limit applies to ordinary images too.
    const small = join(dir, 'small.png');
    await writeFile(small, await encodePng(new Uint8Array(64 * 64 * 3), 64, 64, 3));
    const e2 = await dataError(readImageForModel(small, { width: 64, height: 64, maxPixels: 1000 }));
    expect(e2.message).toContain('64x64');
    await expect(readImageForModel(small, { width: 64, height: 64, maxPixels: 4096 })).resolves.toMatchObject({ width: 64 });
  });

  it('gives one-line DataErrors for missing, non-image, other-format and truncated files', async () => {
    const dir = await tempDir();
    const missing = await dataError(readImageForModel(join(dir, 'nope.png'), { width: 64, height: 64 }));
    expect(missing.message).toContain('no such file');

    const text = join(dir, 'notes.txt');
    await writeFile(text, 'not an image at all\n');
    expect((await dataError(readImageForModel(text, { width: 64, height: 64 }))).message).toContain('not a JPEG, PNG or WebP image');

    const gif = join(dir, 'anim.gif');
    await sharp({ create: { width: 4, height: 4, channels: 3, background: 'red' } }).gif().toFile(gif);
    expect((await dataError(readImageForModel(gif, { width: 64, height: 64 }))).message).toContain('found gif');

    const full = await rawImage(Uint8Array.from({ length: 200 * 200 * 3 }, (_, i) => (i * 31) % 256), 200, 200).jpeg().toBuffer();
    const cut = join(dir, 'cut.jpg');
    await writeFile(cut, full.subarray(0, Math.floor(full.length / 2)));
    const e = await dataError(readImageForModel(cut, { width: 64, height: 64 }));
    expect(e.file).toBe(cut);
    expect(e.message).toMatch(/truncated or corrupt/);

    const png = await encodePng(halves(64, 64), 64, 64, 3);
    const cutPng = join(dir, 'cut.png');
    await writeFile(cutPng, png.subarray(0, png.length - 40));
    expect((await dataError(readImageForModel(cutPng, { width: 64, height: 64 }))).message).toMatch(/truncated or corrupt/);
  });

  it('checks its size arguments', async () => {
    await expect(readImageForModel('x.png', { width: 0, height: 64 })).rejects.toBeInstanceOf(ArgumentError);
    await expect(readImageForModel('x.png', { width: 0, height: 64 })).rejects.toMatchObject({ op: 'readImageForModel', argument: 'width' });
  });
});

describe('encodePng and svgToPng', () => {
  it('enlarges by whole pixels', async () => {
    const png = await encodePng(Uint8Array.from([0, 0, 0, 255, 255, 255]), 2, 1, 3, 4);
    const img = await decodeImage(png);
    expect([img.width, img.height, img.channels]).toEqual([8, 4, 3]);
    expect([...img.pixels.subarray(0, 3)]).toEqual([0, 0, 0]);
    expect([...img.pixels.subarray(3 * 3, 3 * 4)]).toEqual([0, 0, 0]);
    expect([...img.pixels.subarray(3 * 4, 3 * 5)]).toEqual([255, 255, 255]);
  });

  it('refuses a pixel buffer of the wrong length', async () => {
    await expect(encodePng(new Uint8Array(5), 2, 1, 3)).rejects.toMatchObject({ op: 'encodePng', argument: 'pixels' });
  });

  it('rasterises SVG at twice its size on white', async () => {
    const png = await svgToPng('<svg xmlns="http://www.w3.org/2000/svg" width="50" height="20"><rect x="0" y="0" width="25" height="20" fill="black"/></svg>');
    const img = await decodeImage(png);
    expect([img.width, img.height]).toEqual([100, 40]);
    expect([...img.pixels.subarray(0, 3)]).toEqual([0, 0, 0]);
    expect([...img.pixels.subarray((100 - 1) * img.channels, (100 - 1) * img.channels + 3)]).toEqual([255, 255, 255]);
  });
});
