/**
 * What the softphone asks the server to do with a call (softphone.svelte.ts
 * keeps the state): hold, transfer, hang up, wrap up, and the agent's
 * availability. Plain API calls, no state.
 */
import { api } from './api';
import type { AgentStatus, Call, LiveSnapshot } from './telephony';

export type TransferTarget = { toUserId: string } | { toQueueId: string };

export function errorMessage(err: unknown, fallback: string) {
	return err instanceof Error && err.message ? err.message : fallback;
}

const callPath = (call: Pick<Call, 'id'>, action = '') => `/api/telephony/calls/${encodeURIComponent(call.id)}${action}`;
const twilioPath = (call: Pick<Call, 'id'>, action: string) => `/api/telephony/twilio/calls/${encodeURIComponent(call.id)}/${action}`;

/** Twilio moves the customer's leg (inbound or outbound), so any answered call with a customer can be held or transferred. */
export const canRedirect = (call: Call | null) => !!call?.answeredAt && call.direction !== 'internal' && call.endedAt === null;

export const holdCall = (call: Call, hold: boolean) => api<Call>(twilioPath(call, 'hold'), { method: 'POST', body: { hold } });

export const transferCall = (call: Call, to: TransferTarget) => api<Call>(twilioPath(call, 'transfer'), { method: 'POST', body: to });

/** Ends a call the browser does not carry itself (a desk phone's, or a held customer) through the provider. */
export const hangUpCall = (call: Call) => api<Call>(callPath(call, '/hangup'), { method: 'POST' });

export const saveWrapUp = (call: Call, notes: string, disposition: string) =>
	api<Call>(callPath(call), { method: 'PATCH', body: { notes: notes.trim() || null, disposition: disposition || null } });

export const loadAgentStatus = () => api<{ status: AgentStatus }>('/api/agents/me').then((me) => me.status);

export const putAgentStatus = (status: AgentStatus) =>
	api<{ status: AgentStatus }>('/api/agents/me/status', { method: 'PUT', body: { status } }).then((s) => s.status);

/** The calls this agent is on right now (after a reload mid-call). */
export const activeCallsOf = (userId: string) =>
	api<LiveSnapshot>('/api/telephony/live').then((snap) => snap.activeCalls.filter((c) => c.agentUserId === userId));

/** Click-to-call on a desk phone: the PBX rings the agent's extension, then dials `to`. */
export const placePbxCall = (to: string, target: { contactId?: string }) =>
	api<Call>('/api/telephony/pbx/calls', { method: 'POST', body: { to, contactId: target.contactId } });

/** The record the agent dialled from, as the browser call's parameters. */
export function dialParams(target: { contactId?: string; leadId?: string }): Record<string, string> {
	const params: Record<string, string> = {};
	if (target.contactId) params.contactId = target.contactId;
	if (target.leadId) params.leadId = target.leadId;
	return params;
}
