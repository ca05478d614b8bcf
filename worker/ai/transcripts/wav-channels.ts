/**
 * Splits a two-channel PCM WAV into one mono WAV per channel, byte for byte
 * (no decoding: each frame's samples are copied out as they are), so each
 * party of a dual-channel call recording is transcribed on its own. Anything
 * else (MP3, mono, compressed or float WAV, more channels) answers null and
 * is transcribed whole.
 */

const PCM = 1;
const EXTENSIBLE = 0xfffe;
const HEADER_BYTES = 44;

export interface PcmWavInfo {
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
  /** Where the samples start, and how many bytes of whole frames follow. */
  dataOffset: number;
  dataBytes: number;
}

const tag = (bytes: Uint8Array, at: number) => String.fromCharCode(bytes[at]!, bytes[at + 1]!, bytes[at + 2]!, bytes[at + 3]!);

/** The format of a PCM WAV (plain or WAVE_FORMAT_EXTENSIBLE with a PCM sub-format), or null. */
export function pcmWavInfo(bytes: Uint8Array): PcmWavInfo | null {
  if (bytes.length < HEADER_BYTES || tag(bytes, 0) !== "RIFF" || tag(bytes, 8) !== "WAVE") return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let format: Omit<PcmWavInfo, "dataOffset" | "dataBytes"> | null = null;
  for (let at = 12; at + 8 <= bytes.length; ) {
    const id = tag(bytes, at);
    const size = view.getUint32(at + 4, true);
    const body = at + 8;
    if (id === "fmt " && size >= 16 && body + size <= bytes.length) {
      let code = view.getUint16(body, true);
      if (code === EXTENSIBLE && size >= 40) code = view.getUint16(body + 24, true);
      const bitsPerSample = view.getUint16(body + 14, true);
      const channels = view.getUint16(body + 2, true);
      const blockAlign = view.getUint16(body + 12, true);
      const valid = code === PCM && channels > 0 && [8, 16, 24, 32].includes(bitsPerSample) && blockAlign === channels * (bitsPerSample / 8);
      if (!valid) return null;
      format = { channels, sampleRate: view.getUint32(body + 4, true), bitsPerSample };
    } else if (id === "data") {
      if (!format) return null;
      // Streamed WAVs leave the size at 0 or 0xFFFFFFFF; the samples then run to the end of the file.
      const available = bytes.length - body;
      const declared = size === 0 || size > available ? available : size;
      const frame = format.channels * (format.bitsPerSample / 8);
      return { ...format, dataOffset: body, dataBytes: declared - (declared % frame) };
    }
    at = body + size + (size % 2);
  }
  return null;
}

function monoWav(info: PcmWavInfo, samples: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> {
  const bytesPerSample = info.bitsPerSample / 8;
  const out = new Uint8Array(HEADER_BYTES + samples.length);
  const view = new DataView(out.buffer);
  out.set([..."RIFF"].map((c) => c.charCodeAt(0)), 0);
  view.setUint32(4, 36 + samples.length, true);
  out.set([..."WAVEfmt "].map((c) => c.charCodeAt(0)), 8);
  view.setUint32(16, 16, true);
  view.setUint16(20, PCM, true);
  view.setUint16(22, 1, true);
  view.setUint32(24, info.sampleRate, true);
  view.setUint32(28, info.sampleRate * bytesPerSample, true);
  view.setUint16(32, bytesPerSample, true);
  view.setUint16(34, info.bitsPerSample, true);
  out.set([..."data"].map((c) => c.charCodeAt(0)), 36);
  view.setUint32(40, samples.length, true);
  out.set(samples, HEADER_BYTES);
  return out;
}

/** Channel `index` of a PCM WAV as a mono WAV. */
function channelOf(bytes: Uint8Array, info: PcmWavInfo, index: number): Uint8Array<ArrayBuffer> {
  const width = info.bitsPerSample / 8;
  const frame = info.channels * width;
  const frames = info.dataBytes / frame;
  const out = new Uint8Array(frames * width);
  for (let i = 0, from = info.dataOffset + index * width, to = 0; i < frames; i++, from += frame) {
    for (let b = 0; b < width; b++) out[to++] = bytes[from + b]!;
  }
  return monoWav(info, out);
}

/**
 * `[left, right]` of a two-channel PCM WAV, each cut out as a mono WAV only
 * when called (so a long call's two halves need not be in memory at once);
 * null for anything else.
 */
export function stereoChannels(bytes: Uint8Array): [() => Uint8Array<ArrayBuffer>, () => Uint8Array<ArrayBuffer>] | null {
  const info = pcmWavInfo(bytes);
  if (!info || info.channels !== 2) return null;
  return [() => channelOf(bytes, info, 0), () => channelOf(bytes, info, 1)];
}

/**
 * Whether a mono PCM WAV never rises above a whisper (-40 dBFS). Speech
 * models invent words for silence ("Thank you."), so a party who never spoke
 * is not sent at all. 8-bit samples are unsigned around 128; wider ones are
 * signed little-endian, read by their top byte pair.
 */
export function isSilentWav(bytes: Uint8Array): boolean {
  const info = pcmWavInfo(bytes);
  if (!info || info.channels !== 1) return false;
  const width = info.bitsPerSample / 8;
  const end = info.dataOffset + info.dataBytes;
  if (width === 1) {
    for (let at = info.dataOffset; at < end; at++) if (Math.abs(bytes[at]! - 128) > 1) return false;
    return true;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const threshold = 328; // 1% of 16-bit full scale
  for (let at = info.dataOffset + width - 2; at < end; at += width) if (Math.abs(view.getInt16(at, true)) > threshold) return false;
  return true;
}
