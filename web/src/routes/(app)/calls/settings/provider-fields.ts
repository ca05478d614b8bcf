import { client } from '$lib/api/typed-api';
import type { ProviderType } from '$lib/telephony/telephony-types';

/** The config form of each provider type (worker/services/telephony/provider-config.ts). */
export interface ProviderField {
	name: string;
	label: string;
	/** Write-only: left empty on edit keeps the saved value. */
	secret?: boolean;
	optional?: boolean;
	placeholder?: string;
	hint?: string;
	options?: readonly string[];
	/** A comma- or newline-separated list. */
	list?: boolean;
	/** Takes the form's full width (long values such as URLs). */
	wide?: boolean;
	/** A URL: changing it needs the secrets again (the server refuses otherwise). */
	url?: boolean;
}

export const PROVIDER_FIELDS: Record<ProviderType, ProviderField[]> = {
	twilio: [
		{ name: 'accountSid', label: 'Account SID', secret: true, placeholder: 'AC…' },
		{ name: 'authToken', label: 'Auth token', secret: true },
		{ name: 'apiKeySid', label: 'API key SID', secret: true, placeholder: 'SK…' },
		{ name: 'apiKeySecret', label: 'API key secret', secret: true },
		{ name: 'twimlAppSid', label: 'TwiML app SID', placeholder: 'AP…', hint: 'Its voice URL must point at the voice webhook below.' },
		{ name: 'phoneNumbers', label: 'Phone numbers', list: true, optional: true, placeholder: '+15550100000, +15550100001' },
		{ name: 'apiBaseUrl', label: 'API base URL', optional: true, url: true, placeholder: 'https://api.twilio.com', hint: 'Only for a regional edge on twilio.com.' },
		{
			name: 'holdMusicUrl',
			label: 'Hold music URL',
			optional: true,
			wide: true,
			url: true,
			placeholder: 'https://example.com/hold-music.mp3',
			hint: "An MP3 or WAV file Twilio can fetch, played to callers waiting in a queue or on hold. Empty: Twilio's classical hold music plays."
		}
	],
	asterisk: [
		{ name: 'baseUrl', label: 'ARI base URL', url: true, placeholder: 'https://pbx.example.com:8089', hint: 'https, reachable from the internet; without /ari.' },
		{ name: 'username', label: 'ARI user', secret: true },
		{ name: 'password', label: 'ARI password', secret: true },
		{ name: 'application', label: 'Stasis application', placeholder: 'neuracrm' },
		{ name: 'context', label: 'Dialplan context', optional: true, placeholder: 'from-internal' },
		{ name: 'endpointTechnology', label: 'Endpoint technology', optional: true, options: ['PJSIP', 'SIP', 'IAX2'] }
	],
	freepbx: [],
	'3cx': [{ name: 'pbxUrl', label: '3CX web client URL', optional: true, url: true, placeholder: 'https://yourcompany.3cx.us' }]
};
PROVIDER_FIELDS.freepbx = PROVIDER_FIELDS.asterisk;

/** Webhooks the provider calls, shown so an admin can paste them into the provider's console. */
export function webhookUrls(type: ProviderType, id: string): { label: string; url: string }[] {
	const provider = { param: { providerId: id } };
	if (type === 'twilio') {
		const twilio = client.api.telephony.twilio[':providerId'];
		return [
			{ label: 'Voice URL (TwiML app and numbers)', url: twilio.voice.$url(provider).href },
			{ label: 'Status callback', url: twilio.status.$url(provider).href },
			{ label: 'Recording callback', url: twilio.recording.$url(provider).href }
		];
	}
	if (type === 'asterisk' || type === 'freepbx') {
		return [{ label: 'Dialplan events (signed)', url: client.api.telephony.pbx[':providerId'].events.$url(provider).href }];
	}
	return [];
}
