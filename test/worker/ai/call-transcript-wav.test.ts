import { describe, expect, it } from "vitest";
import { isSilentWav, pcmWavInfo, stereoChannels } from "../../../worker/ai/transcripts/wav-channels";
import { audioKind, channelSpeakers, mergeSegments } from "../../../worker/ai/transcripts/recording-transcription";
import { monoSamples, pcmWav, SAMPLE_RATE } from "./call-transcript-audio";

/** Both channels of a two-channel WAV, cut out at once; null for anything else. */
function splitStereoWav(bytes: Uint8Array) {
  const channels = stereoChannels(bytes);
  return channels && ([channels[0](), channels[1]()] as const);
}

/** A WAV built from raw parts, for layouts `pcmWav` does not write. */
function wavOf(fmt: Uint8Array, data: Uint8Array, extraChunks: Uint8Array[] = [], dataSize = data.length) {
  const chunk = (id: string, body: Uint8Array, size = body.length) => {
    const out = new Uint8Array(8 + body.length + (body.length % 2));
    out.set([...id].map((c) => c.charCodeAt(0)), 0);
    new DataView(out.buffer).setUint32(4, size, true);
    out.set(body, 8);
    return out;
  };
  const parts = [chunk("fmt ", fmt), ...extraChunks, chunk("data", data, dataSize)];
  const bodyLength = 4 + parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(8 + bodyLength);
  out.set([..."RIFF"].map((c) => c.charCodeAt(0)), 0);
  new DataView(out.buffer).setUint32(4, bodyLength, true);
  out.set([..."WAVE"].map((c) => c.charCodeAt(0)), 8);
  let at = 12;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function fmtChunk(channels: number, bits: number, extensible = false) {
  const out = new Uint8Array(extensible ? 40 : 16);
  const v = new DataView(out.buffer);
  v.setUint16(0, extensible ? 0xfffe : 1, true);
  v.setUint16(2, channels, true);
  v.setUint32(4, 8000, true);
  v.setUint32(8, 8000 * channels * (bits / 8), true);
  v.setUint16(12, channels * (bits / 8), true);
  v.setUint16(14, bits, true);
  if (extensible) {
    v.setUint16(16, 22, true);
    v.setUint16(18, bits, true);
    v.setUint32(20, 3, true);
    v.setUint16(24, 1, true); // KSDATAFORMAT_SUBTYPE_PCM starts with 0x0001
  }
  return out;
}

describe("splitting a dual-channel WAV", () => {
  it("gives each channel its own mono 16-bit WAV with the same samples", () => {
    const stereo = pcmWav([[{ from: 0, to: 0.5, hz: 440 }], [{ from: 0.5, to: 1, hz: 660 }]], 1);
    const [left, right] = splitStereoWav(stereo)!;
    expect(pcmWavInfo(left)).toEqual({ channels: 1, sampleRate: SAMPLE_RATE, bitsPerSample: 16, dataOffset: 44, dataBytes: SAMPLE_RATE * 2 });
    expect(pcmWavInfo(right)).toMatchObject({ channels: 1, sampleRate: SAMPLE_RATE, bitsPerSample: 16 });
    expect(left.length).toBe(44 + SAMPLE_RATE * 2);
    const view = new DataView(stereo.buffer);
    const l = monoSamples(left);
    const r = monoSamples(right);
    for (const i of [0, 1, 100, 3999, 4000, 4001, 7999]) {
      expect(l[i]).toBe(view.getInt16(44 + i * 4, true));
      expect(r[i]).toBe(view.getInt16(44 + i * 4 + 2, true));
    }
    // The left party spoke in the first half only, the right in the second.
    expect(l.slice(4000).every((s) => s === 0)).toBe(true);
    expect(r.slice(0, 4000).every((s) => s === 0)).toBe(true);
    expect(l.slice(0, 4000).some((s) => Math.abs(s) > 10_000)).toBe(true);
  });

  it("reads 24-bit WAVE_FORMAT_EXTENSIBLE files, skips chunks before the data, and takes a streamed size of 0 as the rest of the file", () => {
    const frames = [
      [1, 2, 3, 4, 5, 6],
      [7, 8, 9, 10, 11, 12],
    ];
    const data = new Uint8Array(frames.flat());
    const list = new Uint8Array([..."LIST"].map((c) => c.charCodeAt(0)).concat([3, 0, 0, 0, 9, 9, 9, 0]));
    const wav = wavOf(fmtChunk(2, 24, true), data, [list], 0);
    const [left, right] = splitStereoWav(wav)!;
    expect([...left.slice(44)]).toEqual([1, 2, 3, 7, 8, 9]);
    expect([...right.slice(44)]).toEqual([4, 5, 6, 10, 11, 12]);
    expect(pcmWavInfo(left)).toMatchObject({ channels: 1, bitsPerSample: 24, dataBytes: 6 });
  });

  it("drops a trailing partial frame", () => {
    const wav = wavOf(fmtChunk(2, 16), new Uint8Array([1, 0, 2, 0, 3, 0, 4, 0, 5]));
    const [left, right] = splitStereoWav(wav)!;
    expect(monoSamples(left)).toEqual(Int16Array.from([1, 3]));
    expect(monoSamples(right)).toEqual(Int16Array.from([2, 4]));
  });

  it("answers null for what it cannot split: mono, three channels, float, MP3, a truncated header", () => {
    expect(splitStereoWav(pcmWav([[{ from: 0, to: 1, hz: 440 }]], 0.1))).toBeNull();
    expect(splitStereoWav(pcmWav([[], [], []], 0.1))).toBeNull();
    const float = fmtChunk(2, 32);
    new DataView(float.buffer).setUint16(0, 3, true);
    expect(splitStereoWav(wavOf(float, new Uint8Array(16)))).toBeNull();
    expect(splitStereoWav(new TextEncoder().encode(`ID3${"x".repeat(100)}`))).toBeNull();
    expect(splitStereoWav(pcmWav([[], []], 0.1).slice(0, 30))).toBeNull();
  });

  it("tells a silent channel from one where someone spoke", () => {
    const [spoke, silent] = splitStereoWav(pcmWav([[{ from: 0.2, to: 0.3, hz: 300 }], []], 1))!;
    expect(isSilentWav(spoke)).toBe(false);
    expect(isSilentWav(silent)).toBe(true);
    // Line hiss far below speech is still silence.
    const hiss = pcmWav([[{ from: 0, to: 1, hz: 50 }]], 0.5);
    const v = new DataView(hiss.buffer);
    for (let at = 44; at < hiss.length; at += 2) v.setInt16(at, Math.round(v.getInt16(at, true) / 100), true);
    expect(isSilentWav(hiss)).toBe(true);
  });
});

describe("labelling and merging", () => {
  it("puts the caller left on inbound calls and the agent left on calls the agent places", () => {
    expect(channelSpeakers("inbound")).toEqual(["customer", "agent"]);
    expect(channelSpeakers("outbound")).toEqual(["agent", "customer"]);
  });

  it("merges both parties' segments by start time, the left channel first at the same instant", () => {
    const t = (segments: [number, number, string][]) => ({ text: "", language: "en", durationSeconds: 9, segments: segments.map(([start, end, text]) => ({ start, end, text })) });
    const merged = mergeSegments([
      { speaker: "customer", transcription: t([[1, 2, "c1"], [4, 5, "c2"]]) },
      { speaker: "agent", transcription: t([[0, 1, "a1"], [4, 4.5, "a2"], [6, 7, "a3"]]) },
    ]);
    expect(merged.map((s) => `${s.speaker}:${s.text}`)).toEqual(["agent:a1", "customer:c1", "customer:c2", "agent:a2", "agent:a3"]);
  });

  it("names audio by its bytes, not by the R2 key's extension", () => {
    expect(audioKind(pcmWav([[]], 0.01), "audio/mpeg")).toEqual({ contentType: "audio/wav", extension: "wav" });
    expect(audioKind(new TextEncoder().encode("ID3rest"), undefined)).toEqual({ contentType: "audio/mpeg", extension: "mp3" });
    expect(audioKind(new Uint8Array([0x4f, 0x67, 0x67, 0x53]), "audio/ogg")).toEqual({ contentType: "audio/ogg", extension: "ogg" });
  });
});
