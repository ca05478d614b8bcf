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
import { AgentAvailability } from './agent-availability.svelte';
import { liveEvents } from './live-events.svelte';
import * as calls from './softphone-calls';
import { errorMessage as message, type TransferTarget } from './softphone-calls';
import { callFromEvent, isFinal, newer, otherParty, type Call } from './telephony';
import { openLine } from './softphone-line';
import { callerPop, lookUpCaller, type CallerPop } from './caller-pop';
import type { TwilioCall, TwilioLine } from './telephony-twilio';

export type LineMode = 'idle' | 'loading' | 'twilio' | 'pbx' | 'none';
/** Why there is no line: nothing configured, or a PBX but no extension for this member. */
export type NoLineReason = 'no_provider' | 'no_extension' | 'not_allowed';

export interface DialTarget {
	contactId?: string;
	leadId?: string;
	name?: string;
}

class Softphone {
	open = $state(false);
	mode = $state<LineMode>('idle');
	noLine = $state<NoLineReason>('no_provider');
	/** A manager can fix a missing provider themselves. */
	canManage = $state(false);
	registered = $state(false);
	readonly availability = new AgentAvailability((text) => (this.error = text));
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
		this.#offs.push(this.availability.follow(userId));
		void this.#resume(userId);
		if (!permissions.work) {
			this.noLine = 'not_allowed';
			this.mode = 'none';
			return;
		}
		const opened = await openLine({
			incoming: (call) => this.#onTwilioIncoming(call),
			error: (text) => (this.error = text),
			registered: (ready) => (this.registered = ready)
		});
		if (this.#userId !== userId) {
			if (opened.mode === 'twilio') opened.line.destroy();
			return;
		}
		if (opened.mode === 'twilio') this.#line = opened.line;
		else if (opened.error) this.error = opened.error;
		if (opened.mode === 'none') this.noLine = opened.reason;
		this.mode = opened.mode;
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
			liveEvents.onSignal('call_updated', onCall)
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
		// Taking back a call this agent held: the server rings the browser with resume=1, accepted without asking.
		if (call.customParameters.get('resume') === '1' && this.call && call.customParameters.get('callId') === this.call.id) {
			call.accept();
			this.#watch(call);
			return;
		}
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
			const active = await calls.activeCallsOf(userId);
			if (this.#userId !== userId) return;
			for (const call of active) this.#track(call);
		} catch {
			// Events will bring the next call.
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
		this.placing = { number: to, name: target.name ?? null };
		const placed = await this.#run(async () => {
			if (this.mode === 'twilio') this.#watch(await this.#line!.connect(to, calls.dialParams(target)));
			else await calls.placePbxCall(to, target);
		}, 'The call could not be placed.');
		if (!placed) this.placing = null;
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

	/** The browser's own call ends in the browser; a desk phone's (or a held customer's) through the provider. */
	async hangUp() {
		const own = this.twilioCall;
		if (own) {
			own.disconnect();
			this.twilioCall = null;
			this.placing = null;
			return;
		}
		const call = this.call;
		if (call) await this.#run(() => calls.hangUpCall(call), 'Could not hang up the call.');
	}

	toggleMute() {
		this.twilioCall?.mute(!this.muted);
	}

	async toggleHold() {
		const call = this.call;
		if (!call) return;
		const hold = !this.held;
		if (await this.#run(() => calls.holdCall(call, hold), 'Could not change hold.')) this.held = hold;
	}

	async transfer(to: TransferTarget) {
		const call = this.call;
		if (call) await this.#run(() => calls.transferCall(call, to), 'Could not transfer the call.');
	}

	async saveWrapUp(notes: string, disposition: string) {
		const call = this.wrapUp;
		if (!call) return false;
		const saved = await this.#run(() => calls.saveWrapUp(call, notes, disposition), 'Could not save the wrap-up.');
		if (saved) this.wrapUp = null;
		return saved;
	}

	/** One server action at a time, its failure shown in the panel. */
	async #run(action: () => Promise<unknown>, fallback: string): Promise<boolean> {
		this.busy = true;
		this.error = null;
		try {
			await action();
			return true;
		} catch (err) {
			this.error = message(err, fallback);
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
