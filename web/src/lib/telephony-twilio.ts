/**
 * The browser's Twilio line: a Voice SDK `Device` registered with an Access
 * Token from POST /api/telephony/twilio/token. The SDK (a few hundred KB) is
 * imported only when the organization has Twilio, so other pages never load it.
 */
import type { Call as TwilioCall, Device } from '@twilio/voice-sdk';
import { api } from './api';

export type { TwilioCall };

export interface TwilioToken {
	token: string;
	identity: string;
	expiresAt: number | string;
	providerId: string;
}

export function fetchTwilioToken(): Promise<TwilioToken> {
	return api<TwilioToken>('/api/telephony/twilio/token', { method: 'POST', body: {} });
}

export interface TwilioLineHandlers {
	incoming(call: TwilioCall): void;
	/** A Device-level problem (token refused, signalling lost), in words. */
	error(message: string): void;
	registered(ready: boolean): void;
}

export class TwilioLine {
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
