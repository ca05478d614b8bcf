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
import type { Call as TwilioCall, Device } from '@twilio/voice-sdk';
import { client, data } from '$lib/api/typed-api';
import { liveEvents } from '$lib/board/live-events.svelte';
import { callFromEvent, isFinal, newer, otherParty, type AgentStatus, type Call, type SoftphoneLine, type TwilioToken } from './telephony-types';

export type LineMode = 'idle' | 'loading' | 'twilio' | 'pbx' | 'none';
/** Why there is no line: nothing configured, or a PBX but no extension for this member. */
export type NoLineReason = 'no_provider' | 'no_extension' | 'not_allowed';

export interface DialTarget {
	contactId?: string;
	leadId?: string;
	name?: string;
}

export type TransferTarget = { toUserId: string } | { toQueueId: string };

function errorMessage(err: unknown, fallback: string) {
	return err instanceof Error && err.message ? err.message : fallback;
}

const telephony = client.api.telephony;
/** The client puts path parameters in as they are. */
const callParam = (call: Pick<Call, 'id'>) => ({ id: encodeURIComponent(call.id) });

/** Twilio moves the customer's leg (inbound or outbound), so any answered call with a customer can be held or transferred. */
export const canRedirect = (call: Call | null) => !!call?.answeredAt && call.direction !== 'internal' && call.endedAt === null;

const holdCall = (call: Call, hold: boolean) => data(telephony.twilio.calls[':id'].hold.$post({ param: callParam(call), json: { hold } }));

const transferCall = (call: Call, to: TransferTarget) =>
	data(telephony.twilio.calls[':id'].transfer.$post({ param: callParam(call), json: to }));

/** Ends a call the browser does not carry itself (a desk phone's, or a held customer) through the provider. */
const hangUpCall = (call: Call) => data(telephony.calls[':id'].hangup.$post({ param: callParam(call) }));

const saveCallWrapUp = (call: Call, notes: string, disposition: string) =>
	data(telephony.calls[':id'].$patch({ param: callParam(call), json: { notes: notes.trim() || null, disposition: disposition || null } }));

const loadAgentStatus = () => data(client.api.agents.me.$get()).then((me) => me.status);

const putAgentStatus = (status: AgentStatus) =>
	data(client.api.agents[':userId'].status.$put({ param: { userId: 'me' }, json: { status } })).then((s) => s.status);

/** The calls this agent is on right now (after a reload mid-call). */
const activeCallsOf = (userId: string) =>
	data(telephony.live.$get()).then((snap) => snap.activeCalls.filter((c) => c.agentUserId === userId));

/** Click-to-call on a desk phone: the PBX rings the agent's extension, then dials `to`. */
const placePbxCall = (to: string, target: { contactId?: string }) =>
	data(telephony.pbx.calls.$post({ json: { to, contactId: target.contactId } }));

/** The record the agent dialled from, as the browser call's parameters. */
function dialParams(target: { contactId?: string; leadId?: string }): Record<string, string> {
	const params: Record<string, string> = {};
	if (target.contactId) params.contactId = target.contactId;
	if (target.leadId) params.leadId = target.leadId;
	return params;
}

export interface CallerPop {
	number: string;
	name: string | null;
	href: string | null;
	/** Still looking the number up. */
	looking: boolean;
}

/**
 * Who is calling, from what the server already matched: Twilio's Client
 * parameters (callerName, contactId, leadId) or the call record's match.
 */
function callerPop(number: string, call: Call | null, custom?: Map<string, string>): CallerPop {
	const contactId = custom?.get('contactId') ?? call?.contactId ?? null;
	const leadId = custom?.get('leadId') ?? call?.leadId ?? null;
	const name = custom?.get('callerName') ?? call?.partyName ?? null;
	const href = contactId ? `/contacts/${contactId}` : leadId ? `/leads/${leadId}` : null;
	return { number, name, href, looking: !href && !call };
}

/** The server has not matched the caller (yet): search the contacts ourselves. */
async function lookUpCaller(pop: CallerPop): Promise<CallerPop> {
	try {
		const found = await data(client.api.contacts.$get({ query: { q: pop.number, per_page: '1' } }));
		const hit = found[0];
		return hit
			? { number: pop.number, name: `${hit.firstName} ${hit.lastName}`.trim(), href: `/contacts/${hit.id}`, looking: false }
			: { ...pop, looking: false };
	} catch {
		return { ...pop, looking: false };
	}
}

function fetchTwilioToken(): Promise<TwilioToken> {
	return data(telephony.twilio.token.$post({ json: {} }));
}

interface TwilioLineHandlers {
	incoming(call: TwilioCall): void;
	/** A Device-level problem (token refused, signalling lost), in words. */
	error(message: string): void;
	registered(ready: boolean): void;
}

/**
 * The browser's Twilio line: a Voice SDK `Device` registered with an Access
 * Token from POST telephony/twilio/token. The SDK (a few hundred KB) is
 * imported only when the organization has Twilio, so other pages never load it.
 */
class TwilioLine {
	#device: Device | null = null;
	#stopped = false;
	readonly identity: string;
	readonly providerId: string;
	private handlers: TwilioLineHandlers;

	constructor(token: TwilioToken, handlers: TwilioLineHandlers) {
		this.handlers = handlers;
		this.identity = token.identity;
		this.providerId = token.providerId;
		void this.#start(token.token);
	}

	async #start(token: string) {
		const { Device } = await import('@twilio/voice-sdk');
		if (this.#stopped) return;
		const device = new Device(token, { closeProtection: true, logLevel: 'error' });
		this.#device = device;
		// Tokens are short-lived: the SDK warns ahead of expiry and takes a fresh one in place.
		device.on('tokenWillExpire', () => {
			fetchTwilioToken().then(
				(next) => device.updateToken(next.token),
				(err: unknown) => this.handlers.error(err instanceof Error ? err.message : 'Could not renew the Twilio token.')
			);
		});
		device.on('incoming', (call: TwilioCall) => this.handlers.incoming(call));
		device.on('registered', () => this.handlers.registered(true));
		device.on('unregistered', () => this.handlers.registered(false));
		device.on('error', (error: { code?: number; message?: string; description?: string }) => {
			const what = error.description ?? error.message ?? 'unknown error';
			this.handlers.error(`Twilio: ${what}${error.code ? ` (error ${error.code})` : ''}.`);
		});
		try {
			await device.register();
		} catch (err) {
			this.handlers.error(err instanceof Error ? err.message : 'Could not register with Twilio.');
		}
	}

	/** Places a call from the browser; Twilio asks our voice webhook what to do with `To`. */
	async connect(to: string, params: Record<string, string>): Promise<TwilioCall> {
		if (!this.#device) throw new Error('The Twilio line is still starting. Try again in a moment.');
		return this.#device.connect({ params: { To: to, ...params } });
	}

	destroy() {
		this.#stopped = true;
		this.#device?.destroy();
		this.#device = null;
	}
}

type OpenedLine =
	| { mode: 'twilio'; line: TwilioLine }
	| { mode: 'pbx'; error?: string }
	| { mode: 'none'; reason: 'no_provider' | 'no_extension'; error?: string };

/**
 * The line GET telephony/line names: Twilio in the browser when the
 * organization has a Twilio provider, else a desk phone (an extension on an
 * Asterisk / FreePBX provider), else the reason there is none. A voice token
 * is requested only for a Twilio line, so an organization without Twilio sees
 * no refused request on every page.
 */
async function openLine(handlers: TwilioLineHandlers): Promise<OpenedLine> {
	let line: SoftphoneLine;
	try {
		line = await data(telephony.line.$get());
	} catch (err) {
		return { mode: 'none', reason: 'no_provider', error: errorMessage(err, 'Could not find your phone line.') };
	}
	if (line.mode === 'pbx') return { mode: 'pbx' };
	// The server names a reason with every `none`; the schema leaves it optional.
	if (line.mode === 'none') return { mode: 'none', reason: line.reason ?? 'no_provider' };
	try {
		return { mode: 'twilio', line: new TwilioLine(await fetchTwilioToken(), handlers) };
	} catch (err) {
		return { mode: 'none', reason: 'no_provider', error: errorMessage(err, 'Could not reach the Twilio line.') };
	}
}

/**
 * The agent's availability: loaded once, then kept current from the room's
 * agent_status_changed events (the server changes it too: busy on a call,
 * wrap-up after one).
 */
class AgentAvailability {
	status = $state<AgentStatus>('offline');
	#onError: (text: string) => void;

	constructor(onError: (text: string) => void) {
		this.#onError = onError;
	}

	/** Starts following `userId`'s availability; returns the unsubscribe. */
	follow(userId: string): () => void {
		// Until it loads the selector shows offline, and still works.
		loadAgentStatus().then((status) => (this.status = status), () => {});
		return liveEvents.onSignal('agent_status_changed', ({ data }) => {
			if (data.userId === userId && typeof data.status === 'string') this.status = data.status as AgentStatus;
		});
	}

	async set(status: AgentStatus) {
		const before = this.status;
		this.status = status;
		try {
			this.status = await putAgentStatus(status);
		} catch (err) {
			this.status = before;
			this.#onError(errorMessage(err, 'Could not change your availability.'));
		}
	}
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
			const active = await activeCallsOf(userId);
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
			if (this.mode === 'twilio') this.#watch(await this.#line!.connect(to, dialParams(target)));
			else await placePbxCall(to, target);
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
		if (call) await this.#run(() => hangUpCall(call), 'Could not hang up the call.');
	}

	toggleMute() {
		this.twilioCall?.mute(!this.muted);
	}

	async toggleHold() {
		const call = this.call;
		if (!call) return;
		const hold = !this.held;
		if (await this.#run(() => holdCall(call, hold), 'Could not change hold.')) this.held = hold;
	}

	async transfer(to: TransferTarget) {
		const call = this.call;
		if (call) await this.#run(() => transferCall(call, to), 'Could not transfer the call.');
	}

	async saveWrapUp(notes: string, disposition: string) {
		const call = this.wrapUp;
		if (!call) return false;
		const saved = await this.#run(() => saveCallWrapUp(call, notes, disposition), 'Could not save the wrap-up.');
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
			this.error = errorMessage(err, fallback);
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
