/**
 * Real little recordings for the transcript tests: 16-bit PCM WAVs written
 * sample by sample, each channel a tone where its party "speaks" and
 * silence elsewhere, as a dual-channel call recording looks.
 */

export interface ToneSpan {
  from: number;
  to: number;
  hz: number;
}

export const SAMPLE_RATE = 8000;

/** A PCM WAV with one channel per entry of `channels`; each sample is the sum of that channel's tones at that instant. */
export function pcmWav(channels: ToneSpan[][], seconds: number, sampleRate = SAMPLE_RATE): Uint8Array<ArrayBuffer> {
  const frames = Math.round(seconds * sampleRate);
  const dataBytes = frames * channels.length * 2;
  const out = new Uint8Array(44 + dataBytes);
  const view = new DataView(out.buffer);
  const ascii = (at: number, text: string) => [...text].forEach((c, i) => (out[at + i] = c.charCodeAt(0)));
  ascii(0, "RIFF");
  view.setUint32(4, 36 + dataBytes, true);
  ascii(8, "WAVEfmt ");
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true);
  view.setUint16(22, channels.length, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * channels.length * 2, true);
  view.setUint16(32, channels.length * 2, true);
  view.setUint16(34, 16, true);
  ascii(36, "data");
  view.setUint32(40, dataBytes, true);
  for (let i = 0; i < frames; i++) {
    const t = i / sampleRate;
    channels.forEach((spans, c) => {
      const value = spans.filter((s) => t >= s.from && t < s.to).reduce((sum, s) => sum + Math.sin(2 * Math.PI * s.hz * t) * 12_000, 0);
      view.setInt16(44 + (i * channels.length + c) * 2, Math.round(value), true);
    });
  }
  return out;
}

/** The 16-bit samples of a mono WAV written by `pcmWav` (or split from one). */
export function monoSamples(wav: Uint8Array): Int16Array {
  const view = new DataView(wav.buffer, wav.byteOffset, wav.byteLength);
  const count = view.getUint32(40, true) / 2;
  return Int16Array.from({ length: count }, (_, i) => view.getInt16(44 + i * 2, true));
}
