import type { CallRow, CallView } from "../../schema";

/** A call as the API and room events answer it (`from`/`to` rather than the column names). */
export function callView(row: CallRow, names?: Map<string, string>): CallView {
  const { orgId: _org, fromNumber, toNumber, holdStartedAt: _hold, recordingKey, recordingProviderId, recordingSeconds, ...rest } = row;
  const partyId = row.contactId ?? row.leadId;
  return {
    ...rest,
    from: fromNumber,
    to: toNumber,
    partyName: partyId && names ? (names.get(partyId) ?? null) : null,
    recording: recordingKey || recordingProviderId ? { available: !!recordingKey, providerRecordingId: recordingProviderId, durationSeconds: recordingSeconds } : null,
  };
}
