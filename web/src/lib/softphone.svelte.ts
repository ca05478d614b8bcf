/**
 * The softphone every signed-in page shares: which line the agent has
 * (Twilio in the browser, a PBX desk phone through click-to-call, or none),
 * their availability, and the call they are on. Any page asks it to dial with
 * `softphone.dial(number, {contactId})`.
 *
 * The call itself is followed through the organization room: the server
 * publishes call_started / call_updated / call_ended for every call whatever
 * the provider, so a ringing call assigned to this agent pops the caller's
 * record before anyone answers (the Twilio Device only adds Accept/Decline).
 */
import { api, ApiError } from './api';
import { liveEvents } from './live-events.svelte';
import { callFromEvent, isFinal, newer, otherParty, type AgentStatus, type Call, type LiveSnapshot } from './telephony';
import { callerPop, findPbxLine, lookUpCaller, type CallerPop } from './telephony-line';
import { fetchTwilioToken, TwilioLine, type TwilioCall } from './telephony-twilio';

export type LineMode = 'idle' | 'loading' | 'twilio' | 'pbx' | 'none';
/** Why there is no line: nothing configured, or a PBX but no extension for this member. */
export type NoLineReason = 'no_provider' | 'no_extension' | 'not_allowed';

export interface DialTarget {
	contactId?: string;
	leadId?: string;
	name?: string;
}

function message(err: unknown, fallback: string) {
	return err instanceof Error && err.message ? err.message : fallback;
}

class Softphone {
	open = $state(false);
	mode = $state<LineMode>('idle');
	noLine = $state<NoLineReason>('no_provider');
	/** A manager can fix a missing provider themselves. */
	canManage = $state(false);
	registered = $state(false);
	agentStatus = $state<AgentStatus>('offline');
	number = $state('');
	target = $state<DialTarget | null>(null);
	/** The call record this agent is on (from room events), until it ends. */
	call = $state<Call | null>(null);
	/** An ended, answered call waiting for notes and a disposition. */
	wrapUp = $state<Call | null>(null);
	/** A call being placed before the server reports it. */
	placing = $state<{ number: string; name: string | null } | null>(null);
	pop = $state<CallerPop | null>(null);
	muted = $state(false);
	held = $state(false);
	busy = $state(false);
	error = $state<string | null>(null);
	twilioCall = $state.raw<TwilioCall | null>(null);
	twilioIncoming = $state.raw<TwilioCall | null>(null);

	#userId: string | null = null;
	#line: TwilioLine | null = null;
	#offs: (() => void)[] = [];

	/** Finds the agent's line; called once per signed-in organization. */
	async start(userId: string, permissions: { work: boolean; manage: boolean }) {
		this.stop();
		this.#userId = userId;
		this.canManage = permissions.manage;
		this.mode = 'loading';
		this.#listen();
		void this.#loadStatus();
		void this.#resume(userId);
		if (!permissions.work) {
			this.noLine = 'not_allowed';
			this.mode = 'none';
			return;
		}
		try {
			const token = await fetchTwilioToken();
			if (this.#userId !== userId) return;
			this.#line = new TwilioLine(token, {
				incoming: (call) => this.#onTwilioIncoming(call),
				error: (text) => (this.error = text),
				registered: (ready) => (this.registered = ready)
			});
			this.mode = 'twilio';
			return;
		} catch (err) {
			if (!(err instanceof ApiError) || (err.code !== 'not_configured' && err.status !== 404)) {
				this.error = message(err, 'Could not reach the Twilio line.');
			}
		}
		if (this.#userId !== userId) return;
		await this.#findPbxLine(userId);
	}

	async #findPbxLine(userId: string) {
		const line = await findPbxLine(userId, this.canManage);
		if (this.#userId !== userId) return;
		if (line.mode === 'none') this.noLine = line.reason;
		this.mode = line.mode;
	}

	stop() {
		for (const off of this.#offs.splice(0)) off();
		this.#line?.destroy();
		this.#line = null;
		this.#userId = null;
		this.mode = 'idle';
		this.call = this.wrapUp = this.placing = this.pop = null;
		this.twilioCall = this.twilioIncoming = null;
		this.registered = this.muted = this.held = false;
		this.error = null;
	}

	#listen() {
		const onCall = ({ data }: { data: Record<string, unknown> }) => {
			const call = callFromEvent(data);
			if (call) this.#track(call);
		};
		this.#offs.push(
			liveEvents.on('call_started', onCall),
			liveEvents.on('call_ended', onCall),
			liveEvents.onSignal('call_updated', onCall),
			liveEvents.onSignal('agent_status_changed', ({ data }) => {
				if (data.userId === this.#userId && typeof data.status === 'string') this.agentStatus = data.status as AgentStatus;
			})
		);
	}

	/** Follows this agent's call from the server's events. */
	#track(call: Call) {
		if (call.agentUserId !== this.#userId) {
			if (this.call?.id === call.id) this.call = null;
			return;
		}
		if (this.wrapUp?.id === call.id) {
			if (newer(this.wrapUp, call)) this.wrapUp = call.wrappedUpAt ? null : call;
			return;
		}
		if (this.call && this.call.id !== call.id && !isFinal(this.call.status) && isFinal(call.status)) return;
		if (this.call?.id === call.id && !newer(this.call, call)) return;
		if (isFinal(call.status)) {
			if (this.call?.id === call.id || !this.call) {
				this.call = null;
				this.held = this.muted = false;
				if (call.answeredAt && !call.wrappedUpAt) {
					this.wrapUp = call;
					this.open = true;
				}
				if (this.pop && !this.twilioIncoming) this.pop = null;
			}
			return;
		}
		this.placing = null;
		this.call = call;
		this.held = call.status === 'on_hold';
		if (call.direction === 'inbound' && !call.answeredAt) {
			this.open = true;
			this.#popCaller(otherParty(call), call);
		} else if (call.answeredAt && !this.twilioIncoming) {
			// Answered: the call panel links the record from here on.
			this.pop = null;
		}
	}

	#popCaller(number: string, call: Call | null, custom?: Map<string, string>) {
		const pop = callerPop(number, call, custom);
		this.pop = pop;
		if (pop.looking) {
			void lookUpCaller(pop).then((found) => {
				if (this.pop?.number === number) this.pop = found;
			});
		}
	}

	#onTwilioIncoming(call: TwilioCall) {
		this.twilioIncoming = call;
		this.open = true;
		this.#popCaller(call.customParameters.get('from') ?? call.parameters.From ?? 'Unknown caller', this.call, call.customParameters);
		const clear = () => {
			if (this.twilioIncoming === call) this.twilioIncoming = null;
			if (!this.twilioCall && !this.call) this.pop = null;
		};
		call.on('cancel', clear);
		call.on('reject', clear);
		call.on('disconnect', clear);
	}

	/** After a reload mid-call: pick up the call this agent is on. */
	async #resume(userId: string) {
		try {
			const snap = await api<LiveSnapshot>('/api/telephony/live');
			if (this.#userId !== userId) return;
			for (const call of snap.activeCalls) if (call.agentUserId === userId) this.#track(call);
		} catch {
			// Events will bring the next call.
		}
	}

	async #loadStatus() {
		try {
			const me = await api<{ status: AgentStatus }>('/api/agents/me');
			this.agentStatus = me.status;
		} catch {
			// Shown as offline; the selector still works.
		}
	}

	async setStatus(status: AgentStatus) {
		const before = this.agentStatus;
		this.agentStatus = status;
		try {
			const state = await api<{ status: AgentStatus }>('/api/agents/me/status', { method: 'PUT', body: { status } });
			this.agentStatus = state.status;
		} catch (err) {
			this.agentStatus = before;
			this.error = message(err, 'Could not change your availability.');
		}
	}

	/** Opens the panel and places the call on the agent's line, if there is one. */
	async dial(number: string, target: DialTarget = {}) {
		this.open = true;
		this.number = number;
		this.target = target;
		this.error = null;
		if (this.mode === 'none' || this.mode === 'idle' || this.mode === 'loading') return;
		const to = number.trim();
		if (!to) {
			this.error = 'Enter a number to call.';
			return;
		}
		this.busy = true;
		this.placing = { number: to, name: target.name ?? null };
		try {
			if (this.mode === 'twilio') {
				const params: Record<string, string> = {};
				if (target.contactId) params.contactId = target.contactId;
				if (target.leadId) params.leadId = target.leadId;
				this.#watch(await this.#line!.connect(to, params));
			} else {
				await api('/api/telephony/pbx/calls', { method: 'POST', body: { to, contactId: target.contactId } });
			}
		} catch (err) {
			this.placing = null;
			this.error = message(err, 'The call could not be placed.');
		} finally {
			this.busy = false;
		}
	}

	#watch(call: TwilioCall) {
		this.twilioCall = call;
		this.muted = false;
		call.on('mute', (muted: boolean) => (this.muted = muted));
		const done = () => {
			if (this.twilioCall === call) this.twilioCall = null;
			this.placing = null;
			this.muted = false;
		};
		call.on('disconnect', done);
		call.on('cancel', done);
		call.on('error', (error: { message?: string }) => {
			this.error = error.message ?? 'The call failed.';
			done();
		});
	}

	accept() {
		const call = this.twilioIncoming;
		if (!call) return;
		this.twilioIncoming = null;
		call.accept();
		this.#watch(call);
	}

	decline() {
		this.twilioIncoming?.reject();
		this.twilioIncoming = null;
		this.pop = null;
	}

	hangUp() {
		this.twilioCall?.disconnect();
		this.twilioCall = null;
		this.placing = null;
	}

	toggleMute() {
		this.twilioCall?.mute(!this.muted);
	}

	async toggleHold() {
		if (!this.call) return;
		await this.#callAction('hold', { hold: !this.held }, 'Could not change hold.');
	}

	async transfer(to: { toUserId: string } | { toQueueId: string }) {
		if (!this.call) return;
		await this.#callAction('transfer', to, 'Could not transfer the call.');
	}

	async #callAction(action: 'hold' | 'transfer', body: Record<string, unknown>, fallback: string) {
		const call = this.call;
		if (!call) return;
		this.busy = true;
		this.error = null;
		try {
			await api(`/api/telephony/twilio/calls/${encodeURIComponent(call.id)}/${action}`, { method: 'POST', body });
			if (action === 'hold') this.held = body.hold === true;
		} catch (err) {
			this.error = message(err, fallback);
		} finally {
			this.busy = false;
		}
	}

	async saveWrapUp(notes: string, disposition: string) {
		const call = this.wrapUp;
		if (!call) return false;
		this.busy = true;
		this.error = null;
		try {
			await api(`/api/telephony/calls/${encodeURIComponent(call.id)}`, {
				method: 'PATCH',
				body: { notes: notes.trim() || null, disposition: disposition || null }
			});
			this.wrapUp = null;
			return true;
		} catch (err) {
			this.error = message(err, 'Could not save the wrap-up.');
			return false;
		} finally {
			this.busy = false;
		}
	}

	dismissWrapUp() {
		this.wrapUp = null;
	}
}

export const softphone = new Softphone();
