import type { CallDirection, TranscriptSegment } from "../../../schema";
import { AppError } from "../../platform/errors";
import type { AudioInput, Transcription, TranscriptionModel } from "../providers/ai-provider";
import { isSilentWav, pcmWavInfo, stereoChannels } from "./wav-channels";

/**
 * A call recording as speaker-labelled segments. A dual-channel PCM WAV is
 * split and each party transcribed on its own, so every segment knows who
 * spoke; any other recording is transcribed whole with speaker "speaker".
 */

type Speaker = TranscriptSegment["speaker"];

/** OpenAI's limit for one transcription upload; longer calls need a provider that takes more. */
export const MAX_UPLOAD_BYTES = 25 * 1024 * 1024;

/**
 * Twilio's dual-channel `<Dial>` recordings (worker/telephony/twilio) put the
 * parent leg in the left channel and the dialed leg in the right: on an
 * inbound call the caller, then the agent; on a call the agent places
 * (softphone or click-to-call) the agent, then the customer.
 */
export const channelSpeakers = (direction: CallDirection): [Speaker, Speaker] =>
  direction === "inbound" ? ["customer", "agent"] : ["agent", "customer"];

const EXTENSIONS: Record<string, string> = {
  "audio/mpeg": "mp3",
  "audio/mp3": "mp3",
  "audio/wav": "wav",
  "audio/x-wav": "wav",
  "audio/wave": "wav",
  "audio/ogg": "ogg",
  "audio/webm": "webm",
  "audio/mp4": "m4a",
  "audio/flac": "flac",
};

/** What the bytes are, by their header first: speech APIs pick the decoder from the file name. */
export function audioKind(bytes: Uint8Array, storedType: string | undefined): { contentType: string; extension: string } {
  if (pcmWavInfo(bytes) || (bytes[0] === 0x52 && bytes[1] === 0x49 && bytes[2] === 0x46 && bytes[3] === 0x46)) {
    return { contentType: "audio/wav", extension: "wav" };
  }
  const isId3 = bytes[0] === 0x49 && bytes[1] === 0x44 && bytes[2] === 0x33;
  const isMpegFrame = bytes[0] === 0xff && ((bytes[1] ?? 0) & 0xe0) === 0xe0;
  if (isId3 || isMpegFrame) return { contentType: "audio/mpeg", extension: "mp3" };
  const type = (storedType ?? "").split(";")[0]!.trim().toLowerCase();
  return { contentType: type || "audio/mpeg", extension: EXTENSIONS[type] ?? "mp3" };
}

export interface TranscribedRecording {
  segments: TranscriptSegment[];
  language: string | null;
}

/** Segments of all parties in time order; at the same instant, the left channel's first. */
export function mergeSegments(parts: { speaker: Speaker; transcription: Transcription }[]): TranscriptSegment[] {
  const all = parts.flatMap(({ speaker, transcription }, channel) =>
    transcription.segments.map((s) => ({ channel, segment: { speaker, start: s.start, end: s.end, text: s.text } })),
  );
  all.sort((a, b) => a.segment.start - b.segment.start || a.channel - b.channel);
  return all.map((a) => a.segment);
}

/**
 * Transcribes one recording: channels one after the other (a provider's rate
 * limit counts requests, and a retry then repeats as little as possible).
 * `onCall` runs after each model call, so usage is metered even when a later
 * channel fails.
 */
export async function transcribeRecording(
  model: TranscriptionModel,
  recording: { bytes: Uint8Array<ArrayBuffer>; storedType: string | undefined; name: string; direction: CallDirection },
  onCall: (durationSeconds: number) => Promise<void>,
): Promise<TranscribedRecording> {
  const send = async (audio: AudioInput) => {
    if (audio.bytes.length > MAX_UPLOAD_BYTES) {
      const mb = (audio.bytes.length / 1024 / 1024).toFixed(1);
      throw new AppError("payload_too_large", `The recording is ${mb} MB; a transcription request takes at most ${MAX_UPLOAD_BYTES / 1024 / 1024} MB.`);
    }
    const result = await model.transcribe(audio);
    await onCall(result.durationSeconds);
    return result;
  };
  const channels = stereoChannels(recording.bytes);
  if (!channels) {
    const kind = audioKind(recording.bytes, recording.storedType);
    const whole = await send({ bytes: recording.bytes, contentType: kind.contentType, filename: `${recording.name}.${kind.extension}` });
    return {
      segments: whole.segments.map((s) => ({ speaker: "speaker", start: s.start, end: s.end, text: s.text })),
      language: whole.language,
    };
  }
  const speakers = channelSpeakers(recording.direction);
  const parts: { speaker: Speaker; transcription: Transcription }[] = [];
  for (const [i, channel] of channels.entries()) {
    const bytes = channel();
    if (isSilentWav(bytes)) continue;
    const speaker = speakers[i]!;
    parts.push({ speaker, transcription: await send({ bytes, contentType: "audio/wav", filename: `${recording.name}-${speaker}.wav` }) });
  }
  return {
    segments: mergeSegments(parts),
    language: parts.find((p) => p.transcription.language)?.transcription.language ?? null,
  };
}
