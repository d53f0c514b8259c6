import { deflateSync } from 'node:zlib';
import { imageSize } from '../../lambdas/core/image-size';

const pngHead = (w: number, h: number) => {
  const b = Buffer.alloc(33);
  b.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 0);
  b.writeUInt32BE(13, 8);
  b.write('IHDR', 12, 'latin1');
  b.writeUInt32BE(w, 16);
  b.writeUInt32BE(h, 20);
  b.set([8, 6, 0, 0, 0], 24);
  return Buffer.concat([b, deflateSync(Buffer.alloc(10))]);
};

const gifHead = (magic: string, w: number, h: number) => {
  const b = Buffer.alloc(13);
  b.write(magic, 0, 'latin1');
  b.writeUInt16LE(w, 6);
  b.writeUInt16LE(h, 8);
  return b;
};

/** SOI, an APP0 (JFIF) segment, a DQT, then the frame header. */
const jpegHead = (w: number, h: number, sof = 0xc0) => {
  const segment = (marker: number, body: Buffer) => {
    const head = Buffer.from([0xff, marker, 0, 0]);
    head.writeUInt16BE(body.length + 2, 2);
    return Buffer.concat([head, body]);
  };
  const frame = Buffer.alloc(15);
  frame[0] = 8;
  frame.writeUInt16BE(h, 1);
  frame.writeUInt16BE(w, 3);
  frame[5] = 3;
  return Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    segment(0xe0, Buffer.from('JFIF\0\x01\x01\0\0\x01\0\x01\0\0', 'latin1')),
    segment(0xdb, Buffer.alloc(65)),
    segment(0xc4, Buffer.alloc(30)), // a Huffman table: C4 is not a frame header
    segment(sof, frame),
    Buffer.from([0xff, 0xda, 0, 2]),
  ]);
};

describe('imageSize', () => {
  it('reads PNG dimensions from IHDR', () => {
    expect(imageSize(pngHead(640, 480))).toEqual({ type: 'png', width: 640, height: 480 });
    expect(imageSize(pngHead(1, 70000))).toEqual({ type: 'png', width: 1, height: 70000 });
  });

  it('reads GIF87a and GIF89a logical screen sizes (little-endian)', () => {
    expect(imageSize(gifHead('GIF89a', 300, 2))).toEqual({ type: 'gif', width: 300, height: 2 });
    expect(imageSize(gifHead('GIF87a', 1, 65535))).toEqual({ type: 'gif', width: 1, height: 65535 });
  });

  it('reads JPEG dimensions from the first frame header, skipping other segments', () => {
    expect(imageSize(jpegHead(1024, 768))).toEqual({ type: 'jpeg', width: 1024, height: 768 });
    expect(imageSize(jpegHead(20, 10, 0xc2))).toEqual({ type: 'jpeg', width: 20, height: 10 }); // progressive
  });

  it('skips fill bytes between JPEG segments', () => {
    const j = jpegHead(5, 6);
    const withFill = Buffer.concat([j.subarray(0, 2), Buffer.from([0xff, 0xff]), j.subarray(2)]);
    expect(imageSize(withFill)).toEqual({ type: 'jpeg', width: 5, height: 6 });
  });

  it('gives undefined for other formats, truncated heads and zero sizes', () => {
    expect(imageSize(Buffer.from('hello world, not an image'))).toBeUndefined();
    expect(imageSize(Buffer.alloc(0))).toBeUndefined();
    expect(imageSize(pngHead(10, 10).subarray(0, 20))).toBeUndefined();
    expect(imageSize(jpegHead(10, 10).subarray(0, 30))).toBeUndefined();
    expect(imageSize(gifHead('GIF89a', 10, 10).subarray(0, 8))).toBeUndefined();
    expect(imageSize(pngHead(0, 10))).toBeUndefined();
    expect(imageSize(gifHead('GIF90a', 10, 10))).toBeUndefined();
    // Scan data before any frame header: no guess.
    expect(imageSize(Buffer.from([0xff, 0xd8, 0xff, 0xda, 0, 2, 1, 2, 3]))).toBeUndefined();
    // A garbage segment length must not loop forever or throw.
    expect(imageSize(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0]))).toBeUndefined();
  });

  it('accepts a Uint8Array view into a larger buffer', () => {
    const big = Buffer.concat([Buffer.alloc(7), pngHead(8, 9)]);
    expect(imageSize(new Uint8Array(big.buffer, big.byteOffset + 7, big.length - 7))).toEqual({ type: 'png', width: 8, height: 9 });
  });
});
